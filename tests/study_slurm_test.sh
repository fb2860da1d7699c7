#!/usr/bin/env bash
# study_slurm_test.sh: jobs/study.sh --slurm on the real local Slurm cluster: the tiny study (2
# sizes x 2 seeds + 2 budget probes) becomes one job array of 6 tasks, at most 2 at a time, logs
# STUDY/logs/fc-study-<array>_<task>.out (%A_%a); task 0 is stopped mid-training with
# `scancel --signal=USR1 --batch`, requeues itself (restart=1 in its log) and resumes from its
# checkpoint; the CSVs and PNGs are checked; submitting again submits nothing (every run
# finished); a run whose last scoring was lost is resubmitted alone and scores only what is
# missing, without training again.
#   study_slurm_test.sh REPORT_PNG_CHECK
source "$(dirname "$0")/slurm_lib.sh"
REPORT_PNG_CHECK=$1
source "$(dirname "$0")/study_lib.sh"
[[ $FC_SLURM_TRAINER == real ]] || skip "FC_SLURM_TRAINER=$FC_SLURM_TRAINER: the study runs the real flowchunk only"
need_cluster
fresh_dir study
S=$WORK/s
study() { bash "$FC_ROOT/jobs/study.sh" --out "$S" --slurm --parallel 2 --sbatch-args "--time=10" "$@" "${TINY_STUDY[@]}"; }

id=$(study 2>submit.log | tail -n1) || { cat submit.log >&2; fail "jobs/study.sh --slurm failed"; }
cat submit.log >&2
[[ $id =~ ^[0-9]+$ ]] || fail "jobs/study.sh --slurm printed no array id: '$id'"
spec=$(scontrol -o show job "$id" 2>/dev/null | grep -o 'ArrayTaskId=[^ ]*' | tr '\n' ' ')
say "array $id: $spec"
grep -q 'ArrayTaskThrottle=2' <(scontrol -o show job "$id" 2>/dev/null) || say "note: no ArrayTaskThrottle=2 in scontrol's view"
for _ in $(seq 1 900); do
    compgen -G "$S/N4_s0/ckpt/step_0000150.h5" >/dev/null && break
    sleep 0.1
done
# by the task's own job id
jid=$(scontrol -o show job "${id}_0" | sed -n 's/^JobId=\([0-9]*\).*/\1/p')
[[ -n $jid ]] || fail "no job id for array task ${id}_0"
# scancel retries while the task requeues and may then report "Job can not be altered now" (and
# signal the next start again): the task's log decides, below
scancel --signal=USR1 --batch "$jid" || say "note: scancel exited $? (the signal was sent; the log decides)"
say "sent USR1 to task ${id}_0 (job $jid)"
export STUDY_POLL_S=0.5
timeout 300 bash -c "source '$FC_ROOT/jobs/study_lib.sh'; study_wait_array $id" || fail "array $id did not end within 300 s"
say "array $id ended"
for t in 0 1 2 3 4 5; do
    [[ -s $S/logs/fc-study-${id}_$t.out ]] || fail "no log $S/logs/fc-study-${id}_$t.out (%x-%A_%a)"
done
log0=$S/logs/fc-study-${id}_0.out
assert_log_has "$log0" 'restart=1' "task 0 was not requeued after USR1"
assert_log_has "$log0" 'resumed from step [1-9]' "task 0 did not resume from its checkpoint"
bash "$FC_ROOT/jobs/study.sh" summary "$S" 2>summary.log || { cat summary.log "$S"/logs/*.out >&2; fail "the summary failed"; }
cat summary.log >&2
check_study "$S"
say "array $id: 4 runs + 2 budget probes, task 0 requeued and resumed, outputs OK"

study --wait > again.log 2>&1 || { cat again.log >&2; fail "submitting the finished study again failed"; }
grep -q '6 finished earlier, 0 to run' again.log || { cat again.log >&2; fail "the finished study was not skipped"; }
[[ $(wc -l < "$S/logs/array_ids") == 1 ]] || fail "a finished study submitted another array"

rm -f "$S/N8_s1/study/task.json" "$S/N8_s1/study/heldout_0000600.json"
keep=$(stat -c %Y.%N "$S/N8_s1/study/heldout_0000450.json" "$S/N8_s1/metrics.jsonl" | md5sum)
study --wait > resume.log 2>&1 || { cat resume.log >&2; fail "resubmitting the unfinished run failed"; }
cat resume.log >&2
grep -q 'submitted job array [0-9]* (tasks 3,' resume.log || fail "only task 3 (N=8 seed 1) should have been resubmitted"
id2=$(tail -n1 "$S/logs/array_ids")
assert_log_has "$S/logs/fc-study-${id2}_3.out" 'training finished earlier' "the resubmitted run trained again"
[[ -s $S/N8_s1/study/heldout_0000600.json && -s $S/N8_s1/study/task.json ]] || fail "the resubmitted run was not rescored"
[[ $(stat -c %Y.%N "$S/N8_s1/study/heldout_0000450.json" "$S/N8_s1/metrics.jsonl" | md5sum) == "$keep" ]] ||
    fail "the resubmitted run redid work it had finished"
check_study "$S"
say "resubmission: only the unfinished run, only its missing scoring"

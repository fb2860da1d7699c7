#!/usr/bin/env bash
# study_local_test.sh: jobs/study.sh on the local runner (2 runs at a time): a tiny study of 2
# sizes x 2 seeds (+ 2 budget probes) is stopped with SIGTERM while its first runs train (exit 3,
# the runs checkpointed and unfinished), the same command resumes them (the trainer logs "resumed
# from step K" with K > 0) and runs the rest, then the outputs are checked (CSVs, PNGs) and a third
# run of the command skips every run (nothing trains, the results are not rewritten).
#   study_local_test.sh REPORT_PNG_CHECK WORK_DIR
source "$(dirname "$0")/study_lib.sh"
REPORT_PNG_CHECK=$1 WORK=$2
: "${FC_ROOT:?run me through ctest}" "${FLOWCHUNK:?run me through ctest}"
export FLOWCHUNK
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || fail "cannot enter $WORK"
S=$WORK/study

setsid bash "$FC_ROOT/jobs/study.sh" --out "$S" "${TINY_STUDY[@]}" > first.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    compgen -G "$S/N4_s*/ckpt/step_0000150.h5" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -TERM "$pid" 2>/dev/null || { cat first.log >&2; fail "the study ended before it could be stopped"; }
wait "$pid"; rc=$?
cat first.log >&2
[[ $rc == 3 ]] || fail "a stopped study should exit 3 (checkpointed, resume me), got $rc"
grep -q 'run the same command again to resume' first.log || fail "no resume hint after the stop"
stopped=0
for d in "$S"/N4_s0 "$S"/N4_s1; do
    [[ -s $d/latest.h5 && ! -e $d/study/task.json ]] && stopped=$(( stopped + 1 ))
done
(( stopped >= 1 )) || fail "no run was left checkpointed and unfinished by the stop"
status=$(bash "$FC_ROOT/jobs/study.sh" status "$S")
printf '%s\n' "$status" >&2
grep -q 'interrupted at step' <<<"$status" || fail "status does not show an interrupted run"
say "stopped: $stopped run(s) checkpointed mid-training"

bash "$FC_ROOT/jobs/study.sh" --out "$S" "${TINY_STUDY[@]}" > second.log 2>&1 || { cat second.log >&2; fail "the resumed study failed"; }
cat second.log >&2
resumed=$(cat "$S"/logs/N4_s*.log | grep -c 'resumed from step [1-9]')
(( resumed >= 1 )) || fail "no run resumed from its checkpoint (no 'resumed from step K' in logs/N4_s*.log)"
check_study "$S"
say "resumed $resumed run(s); outputs OK"

stamp=$(stat -c %Y.%N "$S"/N*_s*/study/task.json "$S"/N*_s*/metrics.jsonl | md5sum)
bash "$FC_ROOT/jobs/study.sh" --out "$S" "${TINY_STUDY[@]}" > third.log 2>&1 || { cat third.log >&2; fail "the third run failed"; }
grep -q '6 runs (2 sizes x 2 seeds + 2 budget probes x2), 6 finished earlier, 0 to run' third.log || { cat third.log >&2; fail "the third run did not skip the 6 finished runs"; }
[[ $(stat -c %Y.%N "$S"/N*_s*/study/task.json "$S"/N*_s*/metrics.jsonl | md5sum) == "$stamp" ]] || fail "a finished run was touched again"
check_study "$S"
say "third run: 6 finished runs skipped"

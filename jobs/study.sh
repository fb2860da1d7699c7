#!/usr/bin/env bash
# study.sh: a dataset-size study in one command, on a laptop or as one Slurm job array: for every
# size N and seed, window the first N demonstrations, train with a budget from the epochs rule,
# score the last checkpoints on held-out starts and the DP test seeds, then summarise (CSV per run
# and per size with 95% intervals, a power-law fit, PNG plots; `flowchunk study summary`).
#
#   jobs/study.sh --out DIR [options] [-- TRAINER OPTIONS]   run (or resume) the study
#   jobs/study.sh summary DIR                                 the CSVs and plots of what has finished
#   jobs/study.sh status DIR                                  one line per run: finished, interrupted, not started
#   jobs/study.sh --help
# Re-running the same command skips finished runs and resumes interrupted ones (each run resumes
# from its latest.h5; scored checkpoints are not scored again). docs/study.md has the details.
set -uo pipefail
FC_SCRIPT=study
FC_ROOT=${FC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export FC_ROOT   # the array tasks find jobs/ through it (sbatch exports the environment)
source "$FC_ROOT/jobs/env.sh"
source "$FC_ROOT/jobs/launch.sh"
source "$FC_ROOT/jobs/study_lib.sh"

usage() {
    cat <<'USAGE'
usage: jobs/study.sh --out DIR [options] [-- TRAINER OPTIONS]
       jobs/study.sh summary DIR | status DIR

data and grid:
  --out DIR              the study directory (required): episodes.h5, N<N>_s<seed>/ runs, logs/, CSVs, PNGs
  --data SOURCE          human (default: the real demos, imported from --zarr), expert (the built-in
                         scripted expert: max(N) demos from reset seed 300000, away from every
                         evaluation start), or an episodes file FILE.h5
  --zarr DIR             the human demos (default $FC_ZARR, else ../shared/data/pusht_cchi_v7_replay.zarr)
  --sizes LIST           comma-separated N (default human 10,25,50,100,206; expert 25,50,100,200,400,800)
  --seeds K              seeds 0..K-1 per size (default 3); seed s trains with --seed s on the first N
                         of the episode permutation seeded by s (nested in N)
recipe and budget (the epochs rule):
  --epochs E             passes over the windows (default 400: 40,000 steps on the 206 human demos)
  --min-steps S          at least S steps (default 10000: small N have few windows per epoch)
  --max-steps M          at most M steps (default 100000; 0 = no cap)
  --batch B              global batch (default 256)
  --evals K              training evaluations and checkpoints per run (default 10)
  --window-args "..."    flowchunk window options (default: keypoints, To 2, H 16, Ta 8, edge padding)
  -- OPTIONS             flowchunk train options (default: --depth 5 --arch residual, the 5x512
                         residual net); the study sets --steps, --seed, --eval-every, --ckpt-every, --keep
scoring:
  --last-ckpts K         score the last K checkpoints and average them (default 3)
  --heldout-episodes N   held-out legacy starts from --heldout-seed (default 200, seed 200000)
  --dp-episodes N        DP test seeds 100000.. (default 50; 0 = none)
  --noise-seeds K        sampling-noise draws per evaluation (default 2)
  --probe F              per size, seed 0 is trained once more with F x the budget (default 2; 0 = no
                         probe): the size is converged only if that probe scores at most --tol
                         above seed 0 (a flat curve can be a plateau before learning, not the end)
  --tol X                a run is converged when neither its last 3 training evaluations (vs the 3
                         before) nor its held-out checkpoints rise by more than X, and its size's
                         budget probe gains at most X (default 0.02)
where:
  --slurm                one Slurm job array (default: run locally)
  --parallel P           runs at once: local processes or the array's %P limit (default 2)
  --ranks P              MPI ranks per run (default 1; > 1 runs mpirun locally, sbatch -n P on Slurm)
  --eval-ranks E         evaluator ranks among them (default 0: inline evaluation)
  --sbatch-args "..."    more sbatch options (--time, --partition, --account, ...)
  --wait                 with --slurm: wait for the array, then summarise (default: return after submitting)
  --dry-run              check everything and print the plan; run and submit nothing
USAGE
}

die_usage() { echo "study: error: $*" >&2; echo "usage: jobs/study.sh --out DIR [options] [-- TRAINER OPTIONS]  (--help)" >&2; exit 2; }

study_summary() {  # study_summary DIR
    fc_find_flowchunk
    # shellcheck disable=SC1091
    source "$1/study.env" || fc_die "$1 is not a study directory (no study.env)"
    "$FLOWCHUNK" study summary "$1" --tol "$TOL" || exit 1
}

study_status() {  # one line per run of STUDY_DIR; fails when some run is unfinished
    local n s d todo=0
    while read -r n s x; do
        d=$STUDY_DIR/$(study_run_name "$n" "$s" "$x")
        if study_run_done "$d"; then echo "$(basename "$d"): finished"
        elif [[ -s $d/latest.h5 ]]; then echo "$(basename "$d"): interrupted at step $(study_json_num "$d/summary.json" step) (resumes)"; todo=$(( todo + 1 ))
        else echo "$(basename "$d"): not started"; todo=$(( todo + 1 )); fi
    done < "$STUDY_DIR/tasks.txt"
    (( todo == 0 ))
}

# the whole command is one function, read before it runs: editing or updating this file while a
# study runs (git pull) cannot change what the running command does
study_main() {
ORIG_ARGS=("$@")
case ${1:-} in
    -h|--help) usage; exit 0 ;;
    summary) [[ -n ${2:-} ]] || die_usage "summary needs the study directory"; study_summary "$2"; exit $? ;;
    status)  [[ -s ${2:-}/study.env ]] || die_usage "status needs a study directory"
             STUDY_DIR=$(cd "$2" && pwd); study_status; exit 0 ;;
    task)    # the local runner's one run: task DIR N SEED
             # shellcheck disable=SC1091
             STUDY_DIR=$2; source "$STUDY_DIR/study.env"; fc_find_flowchunk
             FC_MPI=(); (( RANKS > 1 )) && FC_MPI=(mpirun -np "$RANKS")
             study_run_task "$3" "$4" "${5:-1}"; exit $? ;;
esac

# ---- options
OUT='' DATA=human ZARR=${FC_ZARR:-$FC_ROOT/../shared/data/pusht_cchi_v7_replay.zarr} SIZES_ARG='' NSEEDS=3
EPOCHS=400 MIN_STEPS=10000 MAX_STEPS=100000 BATCH=256 EVALS=10 LAST_CKPTS=3 HELDOUT_EPISODES=200
HELDOUT_SEED=200000 DP_EPISODES=50 NOISE_SEEDS=2 TOL=0.02 VAL_EPISODES=0 PROBE=2
WINDOW_ARGS="--obs keypoints --obs-steps 2 --horizon 16 --n-action-steps 8 --pad edge"
SLURM=0 PARALLEL=2 RANKS=1 EVAL_RANKS=0 SBATCH_ARGS='' WAIT=0 DRY=0 TRAIN_ARGS="--depth 5 --arch residual"
int_opt() { [[ ${2:-} =~ ^[0-9]+$ ]] || die_usage "$1 expects a non-negative integer, got '${2:-}'"; }
while (( $# )); do
    case $1 in
        --out) OUT=${2:-}; shift ;;
        --data) DATA=${2:-}; shift ;;
        --zarr) ZARR=${2:-}; shift ;;
        --sizes) SIZES_ARG=${2:-}; shift ;;
        --seeds) int_opt "$1" "${2:-}"; NSEEDS=$2; shift ;;
        --epochs) int_opt "$1" "${2:-}"; EPOCHS=$2; shift ;;
        --min-steps) int_opt "$1" "${2:-}"; MIN_STEPS=$2; shift ;;
        --max-steps) int_opt "$1" "${2:-}"; MAX_STEPS=$2; shift ;;
        --batch) int_opt "$1" "${2:-}"; BATCH=$2; shift ;;
        --evals) int_opt "$1" "${2:-}"; EVALS=$2; shift ;;
        --window-args) WINDOW_ARGS=${2:-}; shift ;;
        --last-ckpts) int_opt "$1" "${2:-}"; LAST_CKPTS=$2; shift ;;
        --heldout-episodes) int_opt "$1" "${2:-}"; HELDOUT_EPISODES=$2; shift ;;
        --heldout-seed) int_opt "$1" "${2:-}"; HELDOUT_SEED=$2; shift ;;
        --dp-episodes) int_opt "$1" "${2:-}"; DP_EPISODES=$2; shift ;;
        --noise-seeds) int_opt "$1" "${2:-}"; NOISE_SEEDS=$2; shift ;;
        --probe) int_opt "$1" "${2:-}"; PROBE=$2; shift ;;
        --tol) [[ ${2:-} =~ ^[0-9]*\.?[0-9]+$ ]] || die_usage "--tol expects a number, got '${2:-}'"; TOL=$2; shift ;;
        --slurm) SLURM=1 ;;
        --parallel) int_opt "$1" "${2:-}"; PARALLEL=$2; shift ;;
        --ranks) int_opt "$1" "${2:-}"; RANKS=$2; shift ;;
        --eval-ranks) int_opt "$1" "${2:-}"; EVAL_RANKS=$2; shift ;;
        --sbatch-args) SBATCH_ARGS=${2:-}; shift ;;
        --wait) WAIT=1 ;;
        --dry-run) DRY=1 ;;
        --) shift; TRAIN_ARGS="$*"; break ;;
        *) die_usage "unknown option '$1'" ;;
    esac
    shift
done

# ---- checks that need nothing on disk
[[ -n $OUT ]] || die_usage "--out DIR is required"
(( NSEEDS >= 1 )) || die_usage "--seeds must be at least 1 (got $NSEEDS)"
(( EVALS >= 2 )) || die_usage "--evals must be at least 2 (the convergence check compares evaluations)"
(( LAST_CKPTS >= 1 && LAST_CKPTS <= EVALS )) || die_usage "--last-ckpts must be in 1..--evals ($EVALS), got $LAST_CKPTS"
(( HELDOUT_EPISODES >= 1 )) || die_usage "--heldout-episodes must be at least 1"
(( NOISE_SEEDS >= 1 )) || die_usage "--noise-seeds must be at least 1"
(( BATCH >= 1 && EPOCHS >= 1 )) || die_usage "--batch and --epochs must be at least 1"
(( PARALLEL >= 1 && RANKS >= 1 && EVAL_RANKS < RANKS )) || die_usage "need --parallel >= 1, --ranks >= 1 and --eval-ranks < --ranks"
(( MAX_STEPS == 0 || MAX_STEPS >= MIN_STEPS )) || die_usage "--max-steps ($MAX_STEPS) is below --min-steps ($MIN_STEPS)"
case $DATA in
    human) [[ -z $SIZES_ARG ]] && SIZES_ARG=10,25,50,100,206 ;;
    expert) [[ -z $SIZES_ARG ]] && SIZES_ARG=25,50,100,200,400,800 ;;
    *) [[ -z $SIZES_ARG ]] && die_usage "--data FILE needs --sizes" ;;
esac
read -r -a SIZES <<<"$(tr ',' ' ' <<<"$SIZES_ARG")"
(( ${#SIZES[@]} >= 1 )) || die_usage "--sizes is empty"
for n in "${SIZES[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die_usage "--sizes: '$n' is not a positive integer"; done
SIZES_SORTED=$(printf '%s\n' "${SIZES[@]}" | sort -n | uniq | tr '\n' ' ')
[[ $SIZES_SORTED == "$(printf '%s ' "${SIZES[@]}")" ]] || die_usage "--sizes must be increasing without repeats, got $SIZES_ARG"
NMAX=${SIZES[-1]}
for a in $TRAIN_ARGS; do
    case $a in --steps|--steps=*|--epochs|--epochs=*|--seed|--seed=*|--run-dir|--run-dir=*|--resume|--eval-every|--eval-every=*|--ckpt-every|--ckpt-every=*|--keep|--keep=*|--batch|--batch=*|--eval-ranks|--eval-ranks=*)
        die_usage "trainer option $a is set by the study (use --epochs/--min-steps/--max-steps/--batch/--evals/--eval-ranks)" ;;
    esac
done
case $DATA in
    human) [[ -d $ZARR ]] || die_usage "the human demos are not at $ZARR (--zarr DIR or FC_ZARR)" ;;
    expert) ;;
    *) [[ -r $DATA && -f $DATA ]] || die_usage "data file $DATA does not exist or is not readable" ;;
esac
if (( SLURM )); then command -v sbatch >/dev/null || die_usage "--slurm needs sbatch on PATH (and SLURM_CONF for a local cluster)"; fi
fc_find_flowchunk

# ---- the study directory: its settings are fixed by the first run
mkdir -p "$OUT/logs" || die_usage "cannot create $OUT"
STUDY_DIR=$(cd "$OUT" && pwd)
case $DATA in
    human|expert) EPISODES=$STUDY_DIR/episodes.h5 ;;
    *) EPISODES=$(cd "$(dirname "$DATA")" && pwd)/$(basename "$DATA") ;;
esac
SEEDS=$(seq -s ' ' 0 $(( NSEEDS - 1 )))
settings() {
    local v
    for v in DATA EPISODES SIZES_SORTED SEEDS EPOCHS MIN_STEPS MAX_STEPS BATCH EVALS LAST_CKPTS HELDOUT_EPISODES \
             HELDOUT_SEED DP_EPISODES NOISE_SEEDS VAL_EPISODES PROBE WINDOW_ARGS TRAIN_ARGS; do
        printf '%s=%q\n' "$v" "${!v}"
    done
}
new_env=$(settings; printf 'TOL=%q\nRANKS=%q\nEVAL_RANKS=%q\n' "$TOL" "$RANKS" "$EVAL_RANKS")
if [[ -s $STUDY_DIR/study.env ]]; then
    differ=$(awk 'NR == FNR { old[substr($0, 1, index($0, "="))] = $0; next }
                  old[substr($0, 1, index($0, "="))] != $0 { k = substr($0, 1, index($0, "=") - 1); printf "%s%s", sep, k; sep = ", " }' \
             "$STUDY_DIR/study.env" <(settings))
    [[ -z $differ ]] || die_usage "$STUDY_DIR holds a study with other settings (they differ in $differ): use another --out, or the same options"
fi

# ---- the data, then the checks that need it (all before anything runs or is submitted)
if [[ ! -s $EPISODES ]]; then
    case $DATA in
        human) fc_log "importing the human demos from $ZARR"
               "$FLOWCHUNK" import "$ZARR" -o "$EPISODES.tmp" >&2 || fc_die "flowchunk import $ZARR failed"
               mv "$EPISODES.tmp" "$EPISODES" ;;
        expert) fc_log "generating $(( NMAX + VAL_EPISODES )) scripted-expert demos (reset seeds from 300000)"
                "$FLOWCHUNK" demos -o "$EPISODES.tmp" --episodes $(( NMAX + VAL_EPISODES )) --seed 300000 >&2 ||
                    fc_die "flowchunk demos failed"
                mv "$EPISODES.tmp" "$EPISODES" ;;
    esac
fi
info=$("$FLOWCHUNK" info "$EPISODES" --json 2>&1) || die_usage "$EPISODES is not a readable flowchunk file: $info"
[[ $info == *'"format":"flowchunk-episodes"'* ]] || die_usage "$EPISODES is not an episodes file (flowchunk import / flowchunk demos make one)"
have=$(grep -o '"episodes":[0-9]*' <<<"$info" | head -n1 | cut -d: -f2)
(( NMAX + VAL_EPISODES <= have )) || die_usage "size $NMAX is larger than the $have episodes of $EPISODES"
: > "$STUDY_DIR/tasks.txt.tmp"
for n in "${SIZES[@]}"; do for s in $SEEDS; do echo "$n $s 1" >> "$STUDY_DIR/tasks.txt.tmp"; done; done
if (( PROBE > 1 )); then for n in "${SIZES[@]}"; do echo "$n 0 $PROBE" >> "$STUDY_DIR/tasks.txt.tmp"; done; fi
ntask=$(wc -l < "$STUDY_DIR/tasks.txt.tmp")
if (( DRY )); then
    fc_log "dry run: ${#SIZES[@]} sizes (${SIZES[*]}) x $NSEEDS seeds = $ntask runs of $EPISODES; nothing started"
    rm -f "$STUDY_DIR/tasks.txt.tmp"; exit 0
fi
mv "$STUDY_DIR/tasks.txt.tmp" "$STUDY_DIR/tasks.txt"
printf '%s\n' "$new_env" > "$STUDY_DIR/study.env"
printf '%s %s\n' "$(date -u +%FT%TZ)" "$(printf '%q ' "$0" "${ORIG_ARGS[@]:-}")" >> "$STUDY_DIR/commands.txt"
pending=() i=0
while read -r n s x; do study_run_done "$STUDY_DIR/$(study_run_name "$n" "$s" "$x")" || pending+=("$i"); i=$(( i + 1 )); done < "$STUDY_DIR/tasks.txt"
fc_log "$ntask runs (${#SIZES[@]} sizes x $NSEEDS seeds$( (( PROBE > 1 )) && echo " + ${#SIZES[@]} budget probes x$PROBE")), $(( ntask - ${#pending[@]} )) finished earlier, ${#pending[@]} to run"

# ---- Slurm: one job array over the runs still to do
if (( SLURM )); then
    if (( ${#pending[@]} > 0 )); then
        list=$(IFS=,; echo "${pending[*]}")
        # shellcheck disable=SC2086
        out=$(sbatch --parsable --job-name=fc-study --array="$list%$PARALLEL" --ntasks="$RANKS" \
              --output="$STUDY_DIR/logs/%x-%A_%a.out" $SBATCH_ARGS "$FC_ROOT/jobs/study.sbatch" "$STUDY_DIR") ||
            fc_die "sbatch failed: $out"
        id=${out%%;*}
        echo "$id" >> "$STUDY_DIR/logs/array_ids"
        fc_log "submitted job array $id (tasks $list, at most $PARALLEL at a time; logs $STUDY_DIR/logs/fc-study-${id}_<task>.out)"
        (( WAIT )) || { fc_log "when it has finished: jobs/study.sh summary $STUDY_DIR"; echo "$id"; exit 0; }
        study_wait_array "$id"
    fi
    study_status >&2 || fc_die "some runs did not finish (their logs: $STUDY_DIR/logs/); submit the same command again to resume them"
    study_summary "$STUDY_DIR"; exit $?
fi

# ---- locally: PARALLEL runs at a time; Ctrl-C / SIGTERM checkpoints every running run and stops
declare -A task_of=()
stop=0 failed=0
forward() { stop=1; fc_log "stopping: every running run checkpoints (run the same command again to resume)"
            (( ${#task_of[@]} )) && kill -TERM "${!task_of[@]}" 2>/dev/null; }
trap forward INT TERM
wait_one() {
    local pid rc
    while :; do
        wait -n -p pid "${!task_of[@]}"; rc=$?
        [[ -n ${pid:-} ]] && break
    done
    if (( rc == FC_EXIT_REQUEUE )); then fc_log "${task_of[$pid]}: stopped after a checkpoint"
    elif (( rc != 0 )); then fc_log "${task_of[$pid]}: failed with status $rc (log: $STUDY_DIR/logs/${task_of[$pid]}.log)"; failed=$(( failed + 1 ))
    fi
    unset "task_of[$pid]"
}
for i in "${pending[@]}"; do
    (( stop )) && break
    read -r n s x < <(sed -n "$(( i + 1 ))p" "$STUDY_DIR/tasks.txt")
    name=$(study_run_name "$n" "$s" "$x")
    while (( ${#task_of[@]} >= PARALLEL )); do wait_one; done
    (( stop )) && break
    setsid bash "$FC_ROOT/jobs/study.sh" task "$STUDY_DIR" "$n" "$s" "$x" >> "$STUDY_DIR/logs/$name.log" 2>&1 &
    task_of[$!]=$name
    fc_log "started $name (log: logs/$name.log)"
done
while (( ${#task_of[@]} )); do wait_one; done
trap - INT TERM
(( stop )) && { fc_log "stopped: run the same command again to resume"; exit "$FC_EXIT_REQUEUE"; }
study_status >&2 || fc_die "$failed run(s) failed (logs in $STUDY_DIR/logs/); run the same command again to retry them"
study_summary "$STUDY_DIR"
}

study_main "$@"
exit $?

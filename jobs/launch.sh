# shellcheck shell=bash disable=SC2034  # variables for the scripts that source this file
# launch.sh: shared by the job scripts (source it after jobs/env.sh): finds the flowchunk binary,
# starts an MPI step with srun or mpirun, checks the MPI world it gets, forwards stop signals to
# it and turns the trainer's "checkpointed, requeue me" exit status into `scontrol requeue`.
#
#   fc_find_flowchunk           sets FLOWCHUNK (env FLOWCHUNK, else `flowchunk` on PATH, else
#                               $FC_ROOT/build*/flowchunk); dies with a hint when none is found
#   fc_mpi_cmd NP               sets FC_MPI (array): the launcher for NP ranks, by $LAUNCHER:
#                                 srun   (default in a job) srun --mpi=$SRUN_MPI (default pmix)
#                                 mpirun (default outside Slurm) mpirun -np NP; inside an
#                                        allocation Open MPI reads the hosts/slots from Slurm
#   fc_check_world NP           one cheap step through the same launcher: every rank must see a
#                               world of NP ranks with ranks 0..NP-1 (catches srun without PMIx,
#                               where each rank would be a world of its own). FC_WORLD_CHECK=0 skips
#   fc_run_forwarding CMD...    runs CMD in the background; SIGUSR1 (Slurm's time-limit warning,
#                               `scancel --signal=USR1 --batch`) and SIGINT are forwarded to it as
#                               SIGUSR1 = "checkpoint and exit 3"; SIGTERM in a Slurm job (scancel,
#                               scontrol requeue, preemption: Slurm signals every rank itself) is
#                               only noted in FC_GOT_TERM, outside Slurm it is forwarded as SIGUSR1.
#                               Returns CMD's exit status.
#   fc_finish_train RC [RUN_DIR] after a training step: 0 -> return 0; 3 after SIGUSR1 ->
#                               `scontrol requeue $SLURM_JOB_ID`, exit 0; 3 after SIGTERM -> exit 3
#                               (Slurm requeues or cancels the job itself); else exit RC.
#                               mpirun that gets SIGTERM itself exits 1 even when every rank
#                               checkpointed and exited 3: with RUN_DIR, a summary.json written
#                               by this launch with status "preempted" turns RC into 3
#   fc_eval_json CKPT OUT EPISODES [ARGS...]
#                               `flowchunk eval CKPT --episodes EPISODES --json ARGS` through
#                               FC_MPI; writes rank 0's JSON object to OUT (dies if there is none)
FC_EXIT_REQUEUE=3   # include/flowchunk/check.h

fc_log() { printf '[%s %s] %s\n' "${FC_SCRIPT:-flowchunk-job}" "$(date +%T)" "$*" >&2; }
fc_die() { fc_log "error: $*"; exit 1; }

fc_find_flowchunk() {
    if [[ -n ${FLOWCHUNK:-} ]]; then
        [[ -x $FLOWCHUNK ]] || command -v "$FLOWCHUNK" >/dev/null || fc_die "FLOWCHUNK=$FLOWCHUNK is not executable"
        return 0
    fi
    if command -v flowchunk >/dev/null; then FLOWCHUNK=$(command -v flowchunk); return 0; fi
    local b
    for b in "$FC_ROOT"/build/flowchunk "$FC_ROOT"/build*/flowchunk; do
        [[ -x $b ]] && { FLOWCHUNK=$b; return 0; }
    done
    fc_die "no flowchunk binary: build it (cmake -S . -B build && cmake --build build) or set FLOWCHUNK=/path/to/flowchunk"
}

fc_mpi_cmd() {  # fc_mpi_cmd NP
    local np=$1
    if [[ -z ${LAUNCHER:-} ]]; then [[ -n ${SLURM_JOB_ID:-} ]] && LAUNCHER=srun || LAUNCHER=mpirun; fi
    # shellcheck disable=SC2206  # SRUN_ARGS / MPIRUN_ARGS are lists of words on purpose
    case $LAUNCHER in
        srun)   [[ -n ${SLURM_JOB_ID:-} ]] || fc_die "LAUNCHER=srun needs a Slurm allocation (sbatch/salloc)"
                FC_MPI=(srun --mpi="${SRUN_MPI:-pmix}" --ntasks="$np" ${SRUN_ARGS:-}) ;;
        mpirun) FC_MPI=(mpirun -np "$np" ${MPIRUN_ARGS:-}) ;;
        *)      fc_die "LAUNCHER must be srun or mpirun, not '$LAUNCHER'" ;;
    esac
}

fc_check_world() {  # fc_check_world NP  (after fc_mpi_cmd)
    local np=$1 out
    [[ ${FC_WORLD_CHECK:-1} == 0 ]] && return 0
    # what each rank's MPI_Init will build MPI_COMM_WORLD from: PMIx (srun --mpi=pmix), PMI-2
    # (srun --mpi=pmi2) or Open MPI's own launcher (mpirun); print "<world id> <rank> <size>"
    out=$("${FC_MPI[@]}" bash -c '
        if   [[ -n ${OMPI_COMM_WORLD_SIZE:-} ]]; then echo "ompi:${OMPI_MCA_ess_base_jobid:-0} $OMPI_COMM_WORLD_RANK $OMPI_COMM_WORLD_SIZE"
        elif [[ -n ${PMIX_RANK:-} ]];            then echo "pmix:$PMIX_NAMESPACE $PMIX_RANK ${SLURM_STEP_NUM_TASKS:-?}"
        elif [[ -n ${PMI_RANK:-} ]];             then echo "pmi:${SLURM_JOB_ID:-}.${SLURM_STEP_ID:-} $PMI_RANK ${PMI_SIZE:-?}"
        else echo "none - 1"; fi' 2>&1) || fc_die "world-size probe failed: ${FC_MPI[*]}: $out"
    # only the probe's own lines: srun also reports on stderr (e.g. "step creation temporarily
    # disabled, retrying" while an earlier step still holds the cores)
    local probe worlds ranks sizes
    probe=$(grep -E '^(ompi|pmix|pmi):|^none ' <<<"$out" || true)
    worlds=$(awk '{print $1}' <<<"$probe" | sort -u | wc -l)
    ranks=$(awk '$2 ~ /^[0-9]+$/ {print $2}' <<<"$probe" | sort -un | tr '\n' ' ')
    sizes=$(awk '{print $3}' <<<"$probe" | sort -u | tr '\n' ' ')
    if [[ $worlds != 1 || $ranks != "$(seq -s ' ' 0 $(( np - 1 ))) " || $sizes != "$np " ]]; then
        fc_die "MPI world size mismatch: ${FC_MPI[*]} gave $(wc -l <<<"$probe") process(es) with ranks [${ranks% }] in worlds of size [${sizes% }], expected one world of $np (= SLURM_NTASKS); probe output: $(tr '\n' ';' <<<"$out")"
    fi
    fc_log "MPI world check: ${FC_MPI[*]} -> one world of $np ranks ($(awk '{print $1}' <<<"$probe" | head -n1 | cut -d: -f1))"
}

FC_GOT_TERM=0
FC_GOT_USR1=0
FC_LAUNCH_STAMP=
fc_run_forwarding() {
    local pid rc
    FC_LAUNCH_STAMP=$(mktemp "${TMPDIR:-/tmp}/fc_launch.XXXXXX")   # summary.json newer than this: ours
    # setsid: the launcher gets its own process group, so a terminal's Ctrl-C reaches only this
    # script, which turns it into a graceful USR1 (mpirun would abort the job on SIGINT)
    setsid "$@" &
    pid=$!
    trap 'FC_GOT_USR1=1; fc_log "SIGUSR1: asking the ranks to checkpoint and stop"; kill -USR1 '"$pid"' 2>/dev/null' USR1
    trap 'if (( FC_GOT_USR1 )); then fc_log "second interrupt: terminating"; kill -TERM '"$pid"' 2>/dev/null;
          else FC_GOT_USR1=1; fc_log "interrupt: asking the ranks to checkpoint and stop (again to kill)"; kill -USR1 '"$pid"' 2>/dev/null; fi' INT
    if [[ -n ${SLURM_JOB_ID:-} ]]; then
        trap 'FC_GOT_TERM=1; fc_log "SIGTERM from Slurm: the ranks checkpoint on their own"' TERM
    else   # outside Slurm nobody else signals the ranks: a TERM is a graceful stop too
        trap 'FC_GOT_USR1=1; fc_log "SIGTERM: asking the ranks to checkpoint and stop"; kill -USR1 '"$pid"' 2>/dev/null' TERM
    fi
    while :; do
        wait "$pid"; rc=$?
        kill -0 "$pid" 2>/dev/null || break   # wait returned because a trapped signal arrived
    done
    trap - USR1 INT TERM
    return "$rc"
}

fc_finish_train() {  # fc_finish_train RC [RUN_DIR]
    local rc=$1 dir=${2:-} end=$(( SECONDS + 15 ))
    # mpirun may exit before its ranks have written summary.json (they run on without it)
    if (( rc != 0 && rc != FC_EXIT_REQUEUE )) && [[ -n $dir && -n $FC_LAUNCH_STAMP ]]; then
        while [[ ! $dir/summary.json -nt $FC_LAUNCH_STAMP ]] && pgrep -f -- "--run-dir $dir" >/dev/null && (( SECONDS < end )); do
            sleep 0.2
        done
    fi
    if (( rc != 0 && rc != FC_EXIT_REQUEUE )) && [[ -n $dir && -n $FC_LAUNCH_STAMP && $dir/summary.json -nt $FC_LAUNCH_STAMP ]] &&
        grep -q '"status":[[:space:]]*"preempted"' "$dir/summary.json"; then
        fc_log "the launcher exited $rc, but the ranks checkpointed and stopped ($dir/summary.json: preempted): status $FC_EXIT_REQUEUE"
        rc=$FC_EXIT_REQUEUE
    fi
    [[ -n $FC_LAUNCH_STAMP ]] && rm -f "$FC_LAUNCH_STAMP"
    if (( rc == 0 )); then fc_log "training finished"; return 0; fi
    if (( rc != FC_EXIT_REQUEUE )); then
        if (( FC_GOT_TERM )); then fc_log "stopped by Slurm's SIGTERM (launcher exit status $rc)"
        else fc_log "trainer failed with exit status $rc"; fi
        exit "$rc"
    fi
    if [[ -z ${SLURM_JOB_ID:-} ]]; then
        fc_log "stopped after a checkpoint: run the same command again to resume"; exit "$rc"
    fi
    if (( FC_GOT_TERM )); then
        fc_log "checkpointed after SIGTERM: Slurm requeues (scontrol requeue, preemption) or ends (scancel) this job itself"
        exit "$rc"
    fi
    if scontrol requeue "$SLURM_JOB_ID"; then
        fc_log "checkpointed: requeued job $SLURM_JOB_ID; it resumes from the run directory's latest.h5"
        exit 0
    fi
    fc_log "checkpointed, but 'scontrol requeue $SLURM_JOB_ID' failed: resubmit the same command to resume"
    exit "$rc"
}

# fc_job_header: one line that makes every (re)start visible in the appended log
fc_job_header() {
    if [[ -n ${SLURM_JOB_ID:-} ]]; then
        fc_log "job ${SLURM_ARRAY_JOB_ID:+${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} }id $SLURM_JOB_ID restart=${SLURM_RESTART_COUNT:-0} on ${SLURM_JOB_NODELIST:-?}: ${SLURM_NTASKS:-?} tasks, $*"
    else
        fc_log "$*"
    fi
}

fc_eval_json() {  # fc_eval_json CKPT OUT EPISODES [ARGS...]
    local ckpt=$1 out=$2 episodes=$3 tmp rc json
    shift 3
    tmp=$out.tmp.${SLURM_JOB_ID:-$$}
    "${FC_MPI[@]}" "$FLOWCHUNK" eval "$ckpt" --episodes "$episodes" --json "$@" > "$tmp"
    rc=$?
    # rank 0 prints one JSON object: keep the last line that is one (other ranks' or a library's
    # chatter on stdout is dropped)
    json=$(grep -E '^[{].*[}][[:space:]]*$' "$tmp" | tail -n 1)
    rm -f "$tmp"
    (( rc == 0 )) || fc_die "flowchunk eval $ckpt failed with exit status $rc"
    [[ $json == *'"score"'* ]] || fc_die "flowchunk eval $ckpt printed no JSON result with a score"
    printf '%s\n' "$json" > "$out.tmp" && mv "$out.tmp" "$out"
    fc_log "wrote $out: $json"
}

# shellcheck shell=bash disable=SC2034,SC2086  # sourced; *_ARGS are lists of words on purpose
# study_lib.sh: one run of a dataset-size study (jobs/study.sh), shared by the local runner and
# the Slurm array task (jobs/study.sbatch). Source it after jobs/env.sh and jobs/launch.sh, with
# the study's settings loaded (STUDY_DIR/study.env), FLOWCHUNK found and FC_MPI set (an empty
# array = run flowchunk as one process).
#
#   study_run_task N SEED [SCALE]   in STUDY_DIR/$(study_run_name N SEED SCALE)/:
#     1. windows.h5: the first N episodes of the permutation seeded by SEED (nested in N)
#     2. the budget rule: steps = clamp(ceil(EPOCHS * windows / BATCH), MIN_STEPS, MAX_STEPS),
#        rounded up to a multiple of EVALS, times SCALE (a budget probe: SCALE = PROBE); evaluation
#        and checkpoint every steps / EVALS
#     3. flowchunk train --resume (checkpoint + requeue on SIGUSR1/SIGTERM as train.sbatch)
#     4. held-out scoring of the last LAST_CKPTS checkpoints: HELDOUT_EPISODES legacy starts from
#        HELDOUT_SEED and DP_EPISODES from 100000 (the DP test seeds), NOISE_SEEDS draws each,
#        one file per checkpoint in study/ (kept across restarts)
#     5. study/task.json: the budget and the wall time (its presence = the run is finished)
#   study_run_done DIR      0 when the run is finished

study_run_done() { [[ -s $1/study/task.json ]]; }

# study_run_name N SEED [SCALE]: N<N>_s<SEED>, or N<N>_s<SEED>_x<SCALE> for a budget probe
study_run_name() { if (( ${3:-1} == 1 )); then echo "N$1_s$2"; else echo "N$1_s$2_x$3"; fi; }

# study_json_num FILE KEY: a number of a flat JSON object
study_json_num() { grep -o "\"$2\":[[:space:]]*[-0-9.eE+]*" "$1" 2>/dev/null | head -n1 | sed 's/.*:[[:space:]]*//'; }

study_run_task() {
    local n=$1 seed=$2 scale=${3:-1} run t0=$SECONDS
    run=$STUDY_DIR/$(study_run_name "$1" "$2" "${3:-1}")
    if study_run_done "$run"; then fc_log "$(basename "$run"): finished earlier, skipped"; return 0; fi
    mkdir -p "$run/study" || fc_die "cannot create $run/study"
    # the wall time of every (re)start adds up in study/wall_s, also when this start is stopped
    trap 'echo $(( SECONDS - '"$t0"' )) >> "'"$run"'/study/wall_s"' EXIT
    fc_job_header "study run N=$n seed $seed$( (( scale > 1 )) && echo ", budget probe x$scale"): $run"
    if [[ ! -s $run/windows.h5 ]]; then
        local launch=()
        [[ -n ${SLURM_JOB_ID:-} && ${LAUNCHER:-srun} == srun ]] && launch=(srun --mpi="${SRUN_MPI:-pmix}" --ntasks=1)
        "${launch[@]}" "$FLOWCHUNK" window "$EPISODES" -o "$run/windows.tmp.h5" --max-episodes "$n" \
            --val-episodes "$VAL_EPISODES" --seed "$seed" $WINDOW_ARGS || fc_die "flowchunk window failed for N=$n"
        mv "$run/windows.tmp.h5" "$run/windows.h5"
    fi
    local windows steps interval
    windows=$("$FLOWCHUNK" info "$run/windows.h5" --json | grep -o '"windows":[0-9]*' | head -n1 | cut -d: -f2)
    [[ $windows =~ ^[0-9]+$ ]] || fc_die "cannot read the window count of $run/windows.h5"
    steps=$(( (EPOCHS * windows + BATCH - 1) / BATCH ))
    (( steps < MIN_STEPS )) && steps=$MIN_STEPS
    (( MAX_STEPS > 0 && steps > MAX_STEPS )) && steps=$MAX_STEPS
    steps=$(( (steps + EVALS - 1) / EVALS * EVALS * scale ))
    interval=$(( steps / EVALS ))
    fc_log "budget: $windows windows, $EPOCHS epochs of batch $BATCH -> $steps steps (min $MIN_STEPS, max $MAX_STEPS$( (( scale > 1 )) && echo ", x$scale: a budget probe")); evaluation and checkpoint every $interval"

    if [[ $(study_json_num "$run/summary.json" total_steps) != "$steps" ]] ||
        ! grep -q '"status":[[:space:]]*"finished"' "$run/summary.json" 2>/dev/null; then
        [[ -n ${SLURM_JOB_ID:-} ]] && fc_check_world "${SLURM_NTASKS:-1}"
        fc_run_forwarding "${FC_MPI[@]}" "$FLOWCHUNK" train "$run/windows.h5" --run-dir "$run" --resume \
            --seed "$seed" --steps "$steps" --batch "$BATCH" --eval-every "$interval" --ckpt-every "$interval" \
            --keep $(( LAST_CKPTS + 2 )) --eval-ranks "$EVAL_RANKS" $TRAIN_ARGS
        fc_finish_train $? "$run"
    else
        fc_log "training finished earlier ($steps steps)"
    fi

    # the last LAST_CKPTS checkpoints of the grid (a stop's off-grid checkpoint is not one of them)
    local k step ckpts=() stop=0
    for (( k = LAST_CKPTS - 1; k >= 0; k-- )); do
        step=$(( steps - k * interval ))
        (( step > 0 )) && [[ -s $(printf '%s/ckpt/step_%07d.h5' "$run" "$step") ]] && ckpts+=("$(printf '%07d' "$step")")
    done
    (( ${#ckpts[@]} > 0 )) || fc_die "no checkpoint of the last $LAST_CKPTS evaluation steps in $run/ckpt"
    # a stop request during the evaluations ends this start after the current one
    trap 'stop=1; fc_log "stop requested: ending after this evaluation"' USR1 INT
    if [[ -n ${SLURM_JOB_ID:-} ]]; then trap 'stop=1; FC_GOT_TERM=1; fc_log "SIGTERM from Slurm: ending after this evaluation"' TERM
    else trap 'stop=1; fc_log "SIGTERM: ending after this evaluation"' TERM; fi
    for step in "${ckpts[@]}"; do
        local ck=$run/ckpt/step_$step.h5
        [[ -s $run/study/heldout_$step.json ]] ||
            fc_eval_json "$ck" "$run/study/heldout_$step.json" "$HELDOUT_EPISODES" --seed "$HELDOUT_SEED" --noise-seeds "$NOISE_SEEDS"
        (( stop )) && study_stop_here
        if (( DP_EPISODES > 0 )) && [[ ! -s $run/study/dp_$step.json ]]; then
            fc_eval_json "$ck" "$run/study/dp_$step.json" "$DP_EPISODES" --seed 100000 --noise-seeds "$NOISE_SEEDS"
        fi
        (( stop )) && study_stop_here
    done
    trap - USR1 TERM INT
    cp "$run/study/heldout_${ckpts[-1]}.json" "$run/eval.json"   # the run report's per-start scores
    local wall=$(( SECONDS - t0 )) prev list=
    for step in "${ckpts[@]}"; do list+=${list:+,}$(( 10#$step )); done
    prev=$(awk '{s += $1} END {print s + 0}' "$run/study/wall_s" 2>/dev/null)
    printf '{"episodes":%s,"seed":%s,"scale":'"$scale"',"windows":%s,"batch":%s,"steps":%s,"epochs":%s,"interval":%s,"checkpoints":[%s],"wall_s":%s}\n' \
        "$n" "$seed" "$windows" "$BATCH" "$steps" "$(awk -v s="$steps" -v b="$BATCH" -v w="$windows" 'BEGIN {printf "%.1f", s * b / w}')" \
        "$interval" "$list" "$(( prev + wall ))" > "$run/study/task.json.tmp"
    mv "$run/study/task.json.tmp" "$run/study/task.json"
    fc_log "$(basename "$run"): finished ($steps steps, ${#ckpts[@]} checkpoints scored)"
}

# a stop during the held-out evaluations: the run resumes at its first unscored checkpoint
study_stop_here() {
    if [[ -n ${SLURM_JOB_ID:-} ]] && (( ! FC_GOT_TERM )) && scontrol requeue "$SLURM_JOB_ID"; then
        fc_log "requeued job $SLURM_JOB_ID during the held-out evaluations"; exit 0
    fi
    fc_log "stopped during the held-out evaluations: run the same command again to resume"
    exit "$FC_EXIT_REQUEUE"
}

# study_wait_array ID: returns when every task of job array ID has ended (requeued tasks are
# waited for; a job slurmctld no longer knows has ended). Polls every STUDY_POLL_S (default 5) s.
study_wait_array() {
    local out
    while out=$(scontrol -o show job "$1" 2>/dev/null) && [[ -n $out ]]; do
        grep -o 'JobState=[A-Z_]*' <<<"$out" |
            grep -qvE '=(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|SPECIAL_EXIT)$' || return 0
        sleep "${STUDY_POLL_S:-5}"
    done
}

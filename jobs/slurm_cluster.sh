#!/usr/bin/env bash
# slurm_cluster.sh: a real single-node Slurm cluster (munge + slurmctld + slurmd) for flowchunk's
# tests and for trying the sbatch scripts on a laptop. No systemd: every daemon is started
# directly and stopped by its PID file. Adapted from shared/tools/slurm_local.sh; unlike it, the
# cluster is self-contained under one directory (its own slurm.conf, munge key and socket, ports),
# so it never touches /etc/slurm and can run beside another Slurm on the same machine.
#
# usage: jobs/slurm_cluster.sh install | start | stop | restart | status | purge
#                              | wait JOBID [TIMEOUT_S] | env
#   install   the Debian packages (jobs/install_deps.sh)
#   start     write the config, start munged (as the munge user), slurmctld, slurmd; wait until
#             the node is idle. Idempotent. A failed start names the logs to read, exits non-zero.
#   stop      cancel this cluster's jobs, stop slurmd, slurmctld, munged by their PID files
#   status    daemons, node and queue (exit 0 only if all three daemons run)
#   purge     stop and delete the state directory
#   wait      poll the job (0.2 s) until it ends; prints its final state, exits with its exit code
#             (0 = COMPLETED, 124 = timeout). A requeued job is waited for until it really ends.
#   env       print the exports that point sbatch/srun/squeue at this cluster, for
#             `eval "$(jobs/slurm_cluster.sh env)"` (or `source $FC_SLURM_DIR/env.sh`)
#
# knobs (environment):
#   FC_SLURM_DIR=/tmp/flowchunk-slurm  state, spool, logs, pid files, munge socket, env.sh
#   FC_SLURM_CPUS=<n>       CPUs the node advertises (default max(4, nproc)); more than the
#                           hardware has is allowed (SlurmdParameters=config_overrides)
#   FC_SLURM_PORT=6917      slurmctld port (slurmd uses PORT+1); pick another per cluster
#   FC_SLURM_TIMEOUT=60     seconds to wait for each daemon
#   FC_SLURM_CLEAN=1        start slurmctld with -c (forget every job of an earlier run)
#   FC_SLURM_SKIP_INSTALL=1 never call apt-get, even if a binary is missing
set -uo pipefail

FC_JOBS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$FC_JOBS_DIR/slurm_conf.sh"
DIR=${FC_SLURM_DIR:-/tmp/flowchunk-slurm}
NPROC=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)   # nproc obeys OMP_NUM_THREADS
CPUS=${FC_SLURM_CPUS:-$(( NPROC > 4 ? NPROC : 4 ))}
PORT=${FC_SLURM_PORT:-6917}
TIMEOUT=${FC_SLURM_TIMEOUT:-60}
HOST=$(hostname -s)
CONF=$DIR/slurm.conf
MUNGE_DIR=$DIR/munge
MUNGE_SOCK=$MUNGE_DIR/munge.socket.2
MUNGE_PID=$MUNGE_DIR/munged.pid
CTLD_PID=$DIR/slurmctld.pid
SLURMD_PID=$DIR/slurmd.pid
export SLURM_CONF=$CONF

log() { printf '[slurm_cluster %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (the daemons run as root and munged as user munge)"; }

# alive = the PID exists, is not a zombie, and runs the program we expect (PIDs get reused
# after a reboot or after the CI kills every process of a session)
proc_alive() {  # proc_alive PID NAME
    [[ -r /proc/$1/status ]] || return 1
    grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null && return 1
    [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]
}
pid_alive() { [[ -s $1 ]] && proc_alive "$(cat "$1")" "$2"; }
wait_until() {  # wait_until SECONDS COMMAND...
    local end=$(( SECONDS + $1 )); shift
    until "$@" >/dev/null 2>&1; do (( SECONDS < end )) || return 1; sleep 0.1; done
}
logs_hint() { echo "see $DIR/log/slurmctld.log, $DIR/log/slurmd.log, $DIR/log/*.out, $MUNGE_DIR/munged.log"; }
tail_logs() {
    local f
    for f in "$MUNGE_DIR/munged.log" "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"; do
        [[ -s $f ]] && { log "--- last lines of $f"; tail -n 8 "$f" >&2; }
    done
}
fail_start() { tail_logs; die "$* ($(logs_hint))"; }

# ---------------------------------------------------------------- install
do_install() {
    "$FC_JOBS_DIR/install_deps.sh" || die "jobs/install_deps.sh failed"
}
ensure_binaries() {
    local b missing=()
    for b in munged mungekey slurmctld slurmd sbatch srun scontrol sinfo squeue scancel mpirun; do
        command -v "$b" >/dev/null || missing+=("$b")
    done
    (( ${#missing[@]} == 0 )) && return 0
    [[ ${FC_SLURM_SKIP_INSTALL:-0} == 1 ]] && die "missing ${missing[*]} (run jobs/install_deps.sh)"
    log "missing ${missing[*]}: installing"
    do_install
}

# ---------------------------------------------------------------- config
write_if_changed() {  # write stdin to $1 only if the content differs; returns 0 if written
    local tmp; tmp=$(mktemp)
    cat > "$tmp"
    if [[ -f $1 ]] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; return 1; fi
    install -D -m 0644 "$tmp" "$1"; rm -f "$tmp"; return 0
}

do_config() {
    mkdir -p "$DIR"/{ctld,spool,log}
    chmod 0755 "$DIR"
    # the node name must resolve (srun and slurmd talk back to it)
    getent hosts "$HOST" >/dev/null || echo "127.0.0.1 $HOST" >> /etc/hosts
    # our own munge key, socket and logs: munged insists that the munge user owns them
    install -d -o munge -g munge -m 0755 "$MUNGE_DIR"
    if [[ ! -s $MUNGE_DIR/munge.key ]]; then
        mungekey --create --keyfile="$MUNGE_DIR/munge.key" 2>/dev/null ||
            dd if=/dev/urandom of="$MUNGE_DIR/munge.key" bs=1024 count=1 status=none
        log "created $MUNGE_DIR/munge.key"
    fi
    chown munge:munge "$MUNGE_DIR/munge.key"; chmod 0400 "$MUNGE_DIR/munge.key"

    local mem; mem=$(( $(awk '/^MemTotal:/{print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
    CONF_CHANGED=0
    if write_if_changed "$CONF" <<EOF
# generated by flowchunk jobs/slurm_cluster.sh: single-node cluster, state in $DIR
ClusterName=flowchunk
SlurmctldHost=${HOST}(127.0.0.1)
SlurmctldPort=${PORT}
SlurmdPort=$(( PORT + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# own munge socket; cred_expire also sets how long a requeued job waits before it may start
# again (default 120 s): 10 s keeps the preemption tests short
AuthInfo=socket=${MUNGE_SOCK},cred_expire=10
StateSaveLocation=${DIR}/ctld
SlurmdSpoolDir=${DIR}/spool
SlurmctldPidFile=${CTLD_PID}
SlurmdPidFile=${SLURMD_PID}
SlurmctldLogFile=${DIR}/log/slurmctld.log
SlurmdLogFile=${DIR}/log/slurmd.log
$(fc_slurm_conf_policy)
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    then log "wrote $CONF (CPUs=$CPUS, ports $PORT/$(( PORT + 1 )))"; CONF_CHANGED=1; fi

    write_if_changed "$DIR/env.sh" <<EOF || true
# source me to use the flowchunk test cluster in $DIR (sbatch, srun, squeue, scontrol, ...)
export FC_SLURM_DIR=$DIR
export SLURM_CONF=$CONF
source $FC_JOBS_DIR/env.sh
EOF
}

# ---------------------------------------------------------------- start / stop
node_state() { sinfo -h -n "$HOST" -o %T 2>/dev/null | head -n1; }
node_ready() { [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]]; }

start_munged() {
    if pid_alive "$MUNGE_PID" munged; then log "munged already running (pid $(cat "$MUNGE_PID"))"; return; fi
    rm -f "$MUNGE_PID"
    runuser -u munge -- munged --socket="$MUNGE_SOCK" --key-file="$MUNGE_DIR/munge.key" \
        --pid-file="$MUNGE_PID" --log-file="$MUNGE_DIR/munged.log" --seed-file="$MUNGE_DIR/munged.seed" \
        || fail_start "munged failed to start"
    wait_until "$TIMEOUT" pid_alive "$MUNGE_PID" munged || fail_start "munged did not stay up"
    log "munged started (pid $(cat "$MUNGE_PID"))"
}

start_daemon() {  # start_daemon NAME PIDFILE ARGS...
    local name=$1 pidf=$2; shift 2
    if pid_alive "$pidf" "$name"; then log "$name already running (pid $(cat "$pidf"))"; return; fi
    rm -f "$pidf"
    # in the foreground (-D) of a detached session: we know its PID at once, so a daemon that
    # dies while starting is reported at once; its stdout/stderr go to the log directory
    setsid "$name" -D -f "$CONF" "$@" </dev/null >>"$DIR/log/$name.out" 2>&1 &
    local pid=$! end=$(( SECONDS + TIMEOUT ))
    until [[ -s $pidf && $(cat "$pidf" 2>/dev/null) == "$pid" ]]; do
        # (our child: no name check, it may still be execing through setsid)
        [[ -r /proc/$pid/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null ||
            fail_start "$name exited while starting"
        (( SECONDS < end )) || fail_start "$name wrote no PID file $pidf in ${TIMEOUT}s"
        sleep 0.1
    done
    log "$name started (pid $pid)"
}

do_start() {
    need_root
    ensure_binaries
    do_config
    if (( CONF_CHANGED )) && { pid_alive "$CTLD_PID" slurmctld || pid_alive "$SLURMD_PID" slurmd; }; then
        log "slurm.conf changed: restarting slurmd and slurmctld"
        stop_pidfile slurmd "$SLURMD_PID"; stop_pidfile slurmctld "$CTLD_PID"
    fi
    local port
    if ! pid_alive "$CTLD_PID" slurmctld && ! pid_alive "$SLURMD_PID" slurmd && command -v ss >/dev/null; then
        for port in "$PORT" $(( PORT + 1 )); do
            [[ -z $(ss -Hltn "sport = :$port" 2>/dev/null) ]] ||
                die "port $port is taken (another Slurm cluster?): choose other ports with FC_SLURM_PORT=<n> (uses n and n+1)"
        done
    fi
    start_munged
    wait_until "$TIMEOUT" bash -c "munge -S '$MUNGE_SOCK' -n | unmunge -S '$MUNGE_SOCK'" ||
        fail_start "munge credentials do not round-trip through $MUNGE_SOCK"

    local clean=()
    [[ ${FC_SLURM_CLEAN:-0} == 1 ]] && clean=(-c)
    start_daemon slurmctld "$CTLD_PID" "${clean[@]}"
    local end=$(( SECONDS + TIMEOUT ))
    until scontrol ping >/dev/null 2>&1; do
        pid_alive "$CTLD_PID" slurmctld || fail_start "slurmctld exited"
        (( SECONDS < end )) || fail_start "slurmctld does not answer scontrol ping"
        sleep 0.1
    done
    start_daemon slurmd "$SLURMD_PID"

    # a down/drain state saved by an earlier run sticks: resume it once
    local st resumed=0
    end=$(( SECONDS + TIMEOUT ))
    until node_ready; do
        pid_alive "$SLURMD_PID" slurmd || fail_start "slurmd exited"
        st=$(node_state)
        if [[ $st =~ drain|down|inval|fail ]] && (( ! resumed )); then
            log "node state '$st': resuming it"
            scontrol update nodename="$HOST" state=resume 2>/dev/null || true; resumed=1
        fi
        (( SECONDS < end )) || fail_start "node $HOST not ready (state '${st:-unknown}')"
        sleep 0.2
    done
    log "cluster up: $(sinfo -h -o 'partition %P, %D node(s) %T, %c CPUs') — use it with: source $DIR/env.sh"
}

stop_pidfile() {  # stop_pidfile NAME PIDFILE
    local name=$1 pidf=$2 pid
    pid_alive "$pidf" "$name" || { log "$name not running"; rm -f "$pidf"; return 0; }
    pid=$(cat "$pidf"); kill -TERM "$pid" 2>/dev/null || true
    local end=$(( SECONDS + 30 ))
    while proc_alive "$pid" "$name"; do
        if (( SECONDS >= end )); then log "$name ($pid) still alive: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; break; fi
        sleep 0.1
    done
    rm -f "$pidf"
    log "$name (pid $pid) stopped"
}

do_stop() {
    need_root
    if pid_alive "$CTLD_PID" slurmctld; then   # cancel jobs first so that no slurmstepd outlives slurmd
        local jobs; jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
        if [[ -n ${jobs// } ]]; then
            log "cancelling jobs: $jobs"
            scancel $jobs 2>/dev/null || true
            wait_until 30 bash -c '[[ -z $(squeue -h -o %A 2>/dev/null) ]]' || log "jobs still listed after 30 s"
        fi
    fi
    stop_pidfile slurmd "$SLURMD_PID"
    stop_pidfile slurmctld "$CTLD_PID"
    stop_pidfile munged "$MUNGE_PID"
}

do_status() {
    local n f up=0
    for n in munged:$MUNGE_PID slurmctld:$CTLD_PID slurmd:$SLURMD_PID; do
        f=${n#*:}
        if pid_alive "$f" "${n%%:*}"; then echo "${n%%:*}: running (pid $(cat "$f"))"; up=$(( up + 1 ))
        else echo "${n%%:*}: stopped"; fi
    done
    echo "state: $DIR   config: $CONF"
    if pid_alive "$CTLD_PID" slurmctld; then sinfo -N -o '%N %T %c CPUs %m MB' 2>/dev/null; squeue 2>/dev/null; fi
    (( up == 3 ))
}

# ---------------------------------------------------------------- waiting for a job
# do_wait JOBID [TIMEOUT_S]: poll until the job ends. Faster than `sbatch --wait` (2..10 s polls)
# and it survives requeues (REQUEUED/PENDING again are not an end).
do_wait() {
    local id=${1:?usage: slurm_cluster.sh wait JOBID [TIMEOUT_S]} t=${2:-600} end line state rc
    end=$(( SECONDS + t ))
    while :; do
        line=$(scontrol -o show job "$id" 2>/dev/null) || { log "job $id: unknown to slurmctld"; return 1; }
        state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$line")
        case $state in
            COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE|SPECIAL_EXIT)
                rc=$(sed -n 's/.* ExitCode=\([0-9]*\):\([0-9]*\).*/\1/p' <<<"$line")
                log "job $id: $state, ExitCode=$(sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' <<<"$line"), restarts=$(sed -n 's/.* Restarts=\([0-9]*\).*/\1/p' <<<"$line")"
                [[ $state == COMPLETED ]] && return 0
                (( ${rc:-0} != 0 )) && return "$rc"; return 1 ;;
        esac
        (( SECONDS < end )) || { log "job $id: timeout after ${t}s (state $state)"; return 124; }
        sleep 0.2
    done
}

main() {
    local cmd=${1:-}
    case $cmd in
        install) need_root; do_install ;;
        start)   do_start ;;
        stop)    do_stop ;;
        restart) do_stop; do_start ;;
        status)  do_status ;;
        purge)   do_stop; rm -rf "$DIR"; log "removed $DIR" ;;
        wait)    shift; do_wait "$@" ;;
        env)     printf 'export FC_SLURM_DIR=%q SLURM_CONF=%q\n' "$DIR" "$CONF" ;;
        -h|--help|help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' ;;
        *) echo "usage: $0 install|start|stop|restart|status|purge|wait JOBID [TIMEOUT_S]|env" >&2; exit 2 ;;
    esac
}
main "$@"

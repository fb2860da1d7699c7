#!/usr/bin/env bash
# twonode.sh: two genuinely separate "nodes" on one Linux box, for flowchunk's multi-node tests and
# for trying multi-node runs on a laptop. Adapted from shared/tools/twonode.sh.
#
# Each node = its own network namespace (veth pair, 10.77.0.0/24, no route anywhere else),
# UTS namespace (hostname nodeA / nodeB), PID namespace, and mount namespace with a node-local
# /tmp, /dev/shm and /run (so Open MPI session dirs, vader/osc-sm backing files and PMIx sockets
# are per node, as on a real cluster), plus its own /etc/hosts (bind-mounted; the host's is not
# touched). Every other path (the source and build trees, $FCMN_BASE) is the same on both nodes:
# the "shared file system". Every node runs its own sshd on its own address with root key login
# (a key made here; /root/.ssh is not touched). Open MPI's mpirun starts one orted per node over
# ssh. Everything is torn down by PID (each node's PID-namespace init) and by name (netns, veth).
#
# usage (as root):
#   twonode.sh up                 create namespaces, veth, sshds; check ssh both ways
#   twonode.sh down               kill each node's PID-namespace init (takes sshd and every
#                                 process of that node with it), delete the netns + veth
#   twonode.sh status             pids, hostnames, addresses
#   twonode.sh sh NODE [CMD...]   run CMD "logged in" on NODE (nsenter into all its namespaces)
#   twonode.sh hostpid NODE NSPID host pid of a process seen as NSPID on NODE
#   twonode.sh cut | heal         take the link between the nodes down / up again (both ends)
#   twonode.sh can                exit 0 when this machine can create the namespaces, else print
#                                 why and exit 1 (the tests skip then)
#   twonode.sh slurm-up           (after up) a 2-node Slurm cluster on the nodes: one munged per
#                                 node (same key, node-local socket), slurmctld on nodeA, slurmd
#                                 on both (NodeName = hostname); config, logs, env.sh in
#                                 $FCMN_BASE/slurm; `down` ends it with the nodes.
#
# `twonode.sh sh` exports FCMN_MPI_ARGS, the mpirun options that keep Open MPI on the veth link:
#   --mca plm_rsh_agent $FCMN_BASE/ssh/fcssh --mca oob_tcp_if_include 10.77.0.0/24
#   --mca btl_tcp_if_include 10.77.0.0/24 --mca btl self,vader,tcp
#   --mca oob_tcp_keepalive_time 3 --mca oob_tcp_keepalive_intvl 1 --mca oob_tcp_keepalive_probes 3
# (the keepalives let mpirun notice a lost node in ~6 s instead of Open MPI's default 480 s: after
# the trainer's watchdog ends a rank, mpirun would otherwise wait that long for the cut-off node)
# e.g.  twonode.sh sh nodeA 'mpirun $FCMN_MPI_ARGS --host nodeA:2,nodeB:2 -np 4 hostname'
#
# knobs: FCMN_BASE (default /tmp/mn: keys, sshd config, node logs, slurm state; it stays visible
# at the same path on both nodes even under /tmp, which is otherwise node-local), FCMN_KEEP (one
# more directory kept visible the same way, e.g. a checkout under /tmp), FCMN_PREFIX (default fcmn-: the netns and veth names), FCMN_SLURM_CPUS (default 4).
# needs: iproute2, util-linux (unshare, nsenter), openssh-server + openssh-client, Open MPI;
# for slurm-up: munge, slurmctld, slurmd, libpmix-dev (all in jobs/install_deps.sh). Traffic stays
# on lo and the veth pair (the namespaces have no other interface or route).
set -euo pipefail

BASE=${FCMN_BASE:-/tmp/mn}
NODES=(nodeA nodeB)
ADDRS=(10.77.0.1 10.77.0.2)
NSP=${FCMN_PREFIX:-fcmn-}       # netns names: fcmn-nodeA, fcmn-nodeB
VETH=("${NSP}a" "${NSP}b")
SSHD=$BASE/ssh
RUN=$BASE/nodes
STAGE=/media                    # an empty dir used only inside the nodes' private mount ns
KEEP=${FCMN_KEEP:-}             # another directory both nodes must see where it is (a checkout under /tmp)
STAGE2=/mnt

log() { printf '[twonode %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ $(id -u) == 0 ]] || die "run as root"

idx() { local i; for i in "${!NODES[@]}"; do [[ ${NODES[i]} == "$1" ]] && { echo "$i"; return; }; done; die "unknown node $1"; }
initpid() { cat "$RUN/$1.init" 2>/dev/null; }
alive() { [[ -n ${1:-} && -d /proc/$1 ]]; }

write_files() {
    mkdir -p "$SSHD" "$RUN" "$BASE/etc"
    chmod 700 "$SSHD"
    [[ -s $SSHD/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C fcmn -f "$SSHD/id_ed25519"
    [[ -s $SSHD/host_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C fcmn-host -f "$SSHD/host_ed25519"
    cp "$SSHD/id_ed25519.pub" "$SSHD/authorized_keys"; chmod 600 "$SSHD/authorized_keys"
    cat >"$SSHD/sshd_config" <<EOF
Port 22
HostKey $SSHD/host_ed25519
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile $SSHD/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
X11Forwarding no
AcceptEnv LANG LC_* OMPI_* FC_* OPENBLAS_* OMP_*
MaxStartups 100:30:200
MaxSessions 100
EOF
    cat >"$SSHD/config" <<EOF
Host ${NODES[*]} ${ADDRS[*]}
    User root
    IdentityFile $SSHD/id_ed25519
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
    BatchMode yes
    ConnectTimeout 5
EOF
    printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$SSHD/config" >"$SSHD/fcssh"; chmod 755 "$SSHD/fcssh"
    { echo "127.0.0.1 localhost"; for i in "${!NODES[@]}"; do echo "${ADDRS[i]} ${NODES[i]}"; done; } >"$BASE/etc/hosts"
    # PID 1 of each node: private mounts, hostname, then sshd; it stays as the node's init
    cat >"$RUN/node_init.sh" <<'EOF'
#!/bin/bash
# node_init.sh NODE ADDR BASE STAGE [KEEP STAGE2]: runs as PID 1 of the node's PID namespace
set -e
NODE=$1 ADDR=$2 BASE=$3 STAGE=$4 KEEP=${5:-} STAGE2=${6:-}
hostname "$NODE"
mount --bind "$BASE/etc/hosts" /etc/hosts
mount --bind "$BASE" "$STAGE"            # keep the shared dir while /tmp is replaced
[ -n "$KEEP" ] && mount --bind "$KEEP" "$STAGE2"
mount -t tmpfs -o mode=1777 "tmp-$NODE" /tmp
if [ -n "$KEEP" ]; then mkdir -p "$KEEP"; mount --move "$STAGE2" "$KEEP"; fi
mkdir -p "$BASE"
mount --move "$STAGE" "$BASE"
mount -t tmpfs -o mode=1777 "shm-$NODE" /dev/shm
mount -t tmpfs -o mode=755 "run-$NODE" /run
mkdir -p /run/sshd; chmod 755 /run/sshd
/usr/sbin/sshd -D -e -f "$BASE/ssh/sshd_config" -o ListenAddress="$ADDR" -o PidFile=/run/sshd.pid &
set +e
while :; do wait; sleep 1; done          # reap orphans (we are init) until killed
EOF
    chmod 755 "$RUN/node_init.sh"
}

do_up() {
    local t
    for t in /usr/sbin/sshd ssh ssh-keygen ip unshare nsenter mpirun; do
        command -v "$t" >/dev/null || die "$t not found (apt-get install --no-install-recommends openssh-server openssh-client iproute2 util-linux openmpi-bin)"
    done
    write_files
    local i n a
    for i in "${!NODES[@]}"; do
        n=${NODES[i]}
        alive "$(initpid "$n")" && die "$n already up (pid $(initpid "$n")): run down first"
        ip netns add "$NSP$n"
        ip -n "$NSP$n" link set lo up
    done
    ip link add "${VETH[0]}" type veth peer name "${VETH[1]}"
    for i in "${!NODES[@]}"; do
        n=${NODES[i]} a=${ADDRS[i]}
        ip link set "${VETH[i]}" netns "$NSP$n"
        ip -n "$NSP$n" addr add "$a/24" dev "${VETH[i]}"
        ip -n "$NSP$n" link set "${VETH[i]}" up
    done
    for i in "${!NODES[@]}"; do
        n=${NODES[i]} a=${ADDRS[i]}
        # nsenter --net (not `ip netns exec`: that remounts /sys and hides /sys/fs/cgroup, which
        # slurmd needs) execs unshare (no fork): $! is unshare; its forked child is the node's PID 1
        setsid nsenter --net="/run/netns/$NSP$n" unshare --uts --mount --pid --ipc --fork --mount-proc --propagation private \
            "$RUN/node_init.sh" "$n" "$a" "$BASE" "$STAGE" "$KEEP" "$STAGE2" </dev/null >"$RUN/$n.log" 2>&1 &
        echo $! >"$RUN/$n.unshare"
    done
    for n in "${NODES[@]}"; do
        local u; u=$(cat "$RUN/$n.unshare") end=$((SECONDS + 10)) c=
        until c=$(pgrep -P "$u" | head -n1) && [[ -n $c ]]; do (( SECONDS < end )) || die "$n: no init"; sleep 0.1; done
        echo "$c" >"$RUN/$n.init"
    done
    local from to end
    for from in "${NODES[@]}"; do for to in "${NODES[@]}"; do
        end=$((SECONDS + 15))
        until [[ $(do_sh "$from" "$SSHD/fcssh" "$to" hostname 2>/dev/null) == "$to" ]]; do
            (( SECONDS < end )) || { cat "$RUN/$to.log" >&2; die "ssh $from -> $to fails"; }
            sleep 0.3
        done
    done; done
    log "up: ${NODES[0]} (${ADDRS[0]}, init pid $(initpid "${NODES[0]}")), ${NODES[1]} (${ADDRS[1]}, init pid $(initpid "${NODES[1]}")); ssh works both ways"
}

do_down() {
    local n p
    for n in "${NODES[@]}"; do
        p=$(initpid "$n" || true)
        # killing PID 1 of a PID namespace SIGKILLs every process in it (sshd, orted, ranks)
        if alive "$p"; then kill -KILL "$p" && log "$n: killed init $p (and its namespace)"; fi
        p=$(cat "$RUN/$n.unshare" 2>/dev/null || true)
        if alive "$p" && [[ $(cat /proc/$p/comm 2>/dev/null) == unshare ]]; then kill -KILL "$p" 2>/dev/null || true; fi
        rm -f "$RUN/$n.init" "$RUN/$n.unshare"
        ip netns list | grep -qw "$NSP$n" && { ip netns del "$NSP$n"; log "deleted netns $NSP$n"; }
    done
    ip link show "${VETH[0]}" >/dev/null 2>&1 && ip link del "${VETH[0]}" || true   # (normally gone with the netns)
    return 0
}

do_sh() {  # do_sh NODE [CMD...]
    local n=$1; shift
    local p; p=$(initpid "$n"); alive "$p" || die "$n is not up"
    local mpi="--mca plm_rsh_agent $SSHD/fcssh --mca oob_tcp_if_include 10.77.0.0/24 --mca btl_tcp_if_include 10.77.0.0/24 --mca btl self,vader,tcp --mca oob_tcp_keepalive_time 3 --mca oob_tcp_keepalive_intvl 1 --mca oob_tcp_keepalive_probes 3"
    if (( $# == 0 )); then exec nsenter -t "$p" -a --wd="$BASE" env FCMN_MPI_ARGS="$mpi" bash -i; fi
    if (( $# == 1 )); then nsenter -t "$p" -a --wd="$BASE" env FCMN_MPI_ARGS="$mpi" bash -c "$1"
    else nsenter -t "$p" -a --wd="$BASE" env FCMN_MPI_ARGS="$mpi" "$@"; fi
}

do_status() {
    local n
    for n in "${NODES[@]}"; do
        local p; p=$(initpid "$n" || true)
        if alive "$p"; then
            echo "$n: init pid $p, $(do_sh "$n" 'echo hostname=$(hostname) addr=$(ip -4 -o addr show scope global | awk "{print \$4}") procs=$(ls /proc | grep -c "^[0-9]")')"
        else echo "$n: down"; fi
    done
}

do_hostpid() {  # host pid whose NSpid (innermost) is $2 inside node $1
    local n=$1 want=$2 p ns
    ns=$(readlink "/proc/$(initpid "$n")/ns/pid")
    for p in /proc/[0-9]*; do
        [[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns" ]] || continue
        [[ $(awk '/^NSpid:/{print $NF}' "$p/status" 2>/dev/null) == "$want" ]] && { basename "$p"; return 0; }
    done
    return 1
}

SL=$BASE/slurm
source "$(dirname "${BASH_SOURCE[0]}")/slurm_conf.sh"
do_slurm_up() {
    mkdir -p "$SL/log"
    [[ -s $SL/munge.key ]] || { mungekey --create --keyfile="$SL/munge.key" 2>/dev/null ||
        dd if=/dev/urandom of="$SL/munge.key" bs=1024 count=1 status=none; chmod 400 "$SL/munge.key"; }
    local nodes_conf="" i
    for i in "${!NODES[@]}"; do
        nodes_conf+="NodeName=${NODES[i]} NodeAddr=${ADDRS[i]} CPUs=${FCMN_SLURM_CPUS:-4} RealMemory=4000 State=UNKNOWN"$'\n'
    done
    cat >"$SL/slurm.conf" <<EOF
# twonode.sh: 2-node cluster (slurmctld on ${NODES[0]}), node-local state, shared logs
ClusterName=fcmn
SlurmctldHost=${NODES[0]}(${ADDRS[0]})
SlurmctldPort=6917
SlurmdPort=6918
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=/run/munge/munge.socket.2,cred_expire=10
StateSaveLocation=/tmp/slurm/ctld
SlurmdSpoolDir=/tmp/slurm/spool
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$SL/log/slurmctld.log
SlurmdLogFile=$SL/log/slurmd-%n.log
$(fc_slurm_conf_policy)
${nodes_conf}PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    printf 'export SLURM_CONF=%s\n' "$SL/slurm.conf" >"$SL/env.sh"
    local n end
    for n in "${NODES[@]}"; do
        do_sh "$n" "set -e; install -d -o munge -g munge -m 0755 /run/munge; install -o munge -g munge -m 0400 $SL/munge.key /run/munge/munge.key
            runuser -u munge -- munged --socket=/run/munge/munge.socket.2 --key-file=/run/munge/munge.key \
                --pid-file=/run/munge/munged.pid --log-file=/run/munge/munged.log --seed-file=/run/munge/munged.seed
            mkdir -p /tmp/slurm/ctld /tmp/slurm/spool"
    done
    do_sh "${NODES[0]}" "slurmctld -f $SL/slurm.conf -c </dev/null >>$SL/log/slurmctld.out 2>&1"
    end=$((SECONDS + 30))
    until do_sh "${NODES[0]}" "SLURM_CONF=$SL/slurm.conf scontrol ping" >/dev/null 2>&1; do
        (( SECONDS < end )) || die "slurmctld does not answer (see $SL/log)"; sleep 0.3; done
    for n in "${NODES[@]}"; do do_sh "$n" "slurmd -f $SL/slurm.conf </dev/null >>$SL/log/slurmd-$n.out 2>&1"; done
    end=$((SECONDS + 40))
    until [[ $(do_sh "${NODES[0]}" "SLURM_CONF=$SL/slurm.conf sinfo -h -N -o '%N %T'" 2>/dev/null | grep -cE ' (idle|mixed|allocated)') == "${#NODES[@]}" ]]; do
        (( SECONDS < end )) || { do_sh "${NODES[0]}" "SLURM_CONF=$SL/slurm.conf sinfo -N" >&2; die "nodes not idle (see $SL/log)"; }
        sleep 0.5
    done
    log "slurm up: $(do_sh "${NODES[0]}" "SLURM_CONF=$SL/slurm.conf sinfo -h -N -o '%N/%T/%c' | tr '\n' ' '")"
}

do_link() {  # do_link up|down: both ends of the veth pair
    local i
    for i in "${!NODES[@]}"; do ip -n "$NSP${NODES[i]}" link set "${VETH[i]}" "$1"; done
    log "link ${VETH[0]} <-> ${VETH[1]} $1"
}

do_can() {  # can this machine create the nodes? (a throw-away netns + the unshare flags)
    local t probe="${NSP}probe$$"
    for t in /usr/sbin/sshd ssh ssh-keygen ip unshare nsenter mpirun; do
        command -v "$t" >/dev/null || { echo "$t not found (jobs/install_deps.sh installs it)"; return 1; }
    done
    ip netns add "$probe" 2>/dev/null || { echo "cannot create a network namespace here (ip netns add failed: not permitted in this container?)"; return 1; }
    ip netns del "$probe"
    unshare --uts --mount --pid --ipc --fork --mount-proc --propagation private true 2>/dev/null ||
        { echo "cannot create UTS/mount/PID namespaces here (unshare failed: not permitted in this container?)"; return 1; }
    return 0
}

case ${1:-} in
    up) do_up ;;
    cut) do_link down ;;
    heal) do_link up ;;
    can) do_can ;;
    down) do_down ;;
    status) do_status ;;
    sh) shift; do_sh "$@" ;;
    hostpid) shift; do_hostpid "$@" ;;
    slurm-up) do_slurm_up ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac

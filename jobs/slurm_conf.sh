# shellcheck shell=bash
# slurm_conf.sh: the scheduling policy both test clusters share (sourced by jobs/slurm_cluster.sh,
# single node, and jobs/twonode.sh slurm-up, two nodes): no cgroups or systemd, pmix for MPI,
# a scheduler pass every second, short timeouts. fc_slurm_conf_policy prints those slurm.conf lines.
fc_slurm_conf_policy() {
    cat <<'EOF_POLICY'
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
# advertise more CPUs than the box has when asked (CPUs= in the node line)
SlurmdParameters=config_overrides
ReturnToService=2
SchedulerType=sched/backfill
# schedule every second (a requeued job waits for BeginTime, then for the next pass)
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
MinJobAge=300
EOF_POLICY
}

# shellcheck shell=bash
# env.sh: the MPI environment flowchunk's launchers run under (source it; it only exports).
# Every value is a default: a variable already set in the caller's environment wins.
#   run as root allowed      Open MPI's mpirun refuses root otherwise (containers, CI, this box)
#   oversubscribe            mpirun -np N with N > cores (a 4-rank job on a 2-core laptop)
#   yield_when_idle          ranks waiting in a collective sched_yield() instead of spinning: on
#                            an oversubscribed node collectives are several times faster; on a
#                            cluster with a core per rank set OMPI_MCA_mpi_yield_when_idle=0
#   OPENBLAS_NUM_THREADS=1   one BLAS thread per rank (openblas-pthread otherwise starts nproc
#                            threads in every rank and they fight over the cores)
#   binding_policy=none      no core binding: on a shared or oversubscribed node bound ranks
#                            wait on busy cores (measured: the 2-rank allreduce halves unbound);
#                            on a cluster with a dedicated core per rank set it to core
#   SLURM_MPI_TYPE=pmix      srun's --mpi default (the MPI world comes from Slurm's PMIx server)
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1}
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
export OMPI_MCA_hwloc_base_binding_policy=${OMPI_MCA_hwloc_base_binding_policy:-none}
export SLURM_MPI_TYPE=${SLURM_MPI_TYPE:-pmix}

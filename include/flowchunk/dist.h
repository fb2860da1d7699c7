/* dist.h: everything multi-process (MPI) lives behind this header, implemented in src/dist.c.
 * With one process every collective is a cheap no-op-like call, so most code needs no mpirun;
 * every function also works when MPI was never initialised (unit tests), as a 1-rank world.
 * Roles (DESIGN.md "Rank roles"): world ranks 0..P-E-1 train, the last E evaluate; one
 * MPI_Comm_split makes the trainer and the evaluator communicators (dist_split).
 * Waits that may last long (evaluators between jobs, trainers at the end) poll with short sleeps
 * instead of spinning, so idle ranks leave the CPU to the busy ones. */
#ifndef FLOWCHUNK_DIST_H
#define FLOWCHUNK_DIST_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

/* MPI_Init (idempotent); installs the error handler that turns MPI errors into one-line fatals */
void dist_init(int *argc, char ***argv);
/* MPI_Finalize if initialised and not yet finalised */
void dist_finalize(void);
/* abort the whole job with status `code` (MPI_Abort when MPI is up, else exit) */
void dist_abort(int code) __attribute__((noreturn));
/* world rank and size (0 and 1 before dist_init) */
int dist_world_rank(void);
int dist_world_size(void);

/* ---- roles --------------------------------------------------------------------------------- */

typedef struct {
    int world_rank, world_size;
    int n_trainers, n_evaluators; /* P - E and E */
    int is_trainer;               /* world ranks 0 .. n_trainers-1 */
    int trainer_rank;             /* rank in the trainer communicator, -1 on evaluators */
    int eval_rank;                /* rank in the evaluator communicator, -1 on trainers */
    int eval_root_world;          /* world rank of evaluator 0 (= n_trainers), -1 when E = 0 */
} DistRoles;

/* collective over world: splits it into trainers and evaluators (n_eval = E). FC_OK, or FC_ERR
 * with fc_set_error when E < 0 or E >= P (no trainer left); the same answer on every rank */
int dist_split(DistRoles *roles, int n_eval);
/* the trainer communicator: MPI_COMM_WORLD before dist_split (every rank trains), MPI_COMM_NULL
 * on evaluators. For parallel HDF5 (the loader's collective reads); when MPI is not active
 * (dist_mpi_active() == 0) use the serial HDF5 driver instead. */
MPI_Comm dist_trainer_comm(void);
/* 1 when MPI is initialised and not finalised */
int dist_mpi_active(void);

/* ---- collectives over the trainer communicator (no-ops on one trainer) --------------------- */

/* buf (n floats) on every trainer = buf of trainer `root` */
void dist_bcast_floats(float *buf, size_t n, int root);
/* same for raw bytes */
void dist_bcast_bytes(void *buf, size_t n, int root);
/* in place: buf = sum over trainers of buf (n floats); one MPI_Allreduce */
void dist_allreduce_sum(float *buf, size_t n);
/* sum / max of one value over trainers */
double dist_allreduce_sum_double(double v);
int dist_allreduce_max_int(int v);
/* 1 if v is the same on every trainer (min == max), else 0; every trainer gets the answer */
int dist_all_equal_u64(uint64_t v);
/* trainer barrier that sleeps while waiting */
void dist_trainer_barrier(void);

/* arrival exchange, the step watchdog's eyes: every trainer announces each step it reached to
 * every other trainer (point to point, one int64), so a trainer stuck waiting knows who has not
 * arrived. dist_arrive_init (collective over trainers, setup) also gathers every trainer's host.
 * dist_arrive(step) returns when every trainer announced `step`: it is the barrier the training
 * loop times as the wait for the slowest trainer. dist_arrive_heard(r) (any thread) is the last
 * step trainer r announced, -1 before the first. */
void dist_arrive_init(void);
void dist_arrive(int64_t step);
int64_t dist_arrive_heard(int r);
/* trainer count and the host of trainer r, as gathered by dist_arrive_init */
int dist_arrive_size(void);
const char *dist_arrive_host(int r);
void dist_arrive_free(void);

/* the gradient reduction of a training step, whatever the topology (collective over trainers).
 * All trainers on nodes with the same trainer count: a shared-memory window per node holds the
 * node's gradients, summed in place with plain loads and stores (each trainer sums one slice for
 * the node, no MPI copies); across nodes, trainer r of every node allreduces slice r with its
 * peers, so every node holds the same bits; the optimiser step is sharded (each trainer updates
 * its slice, then the slices are gathered). Otherwise (flat = 1, one trainer, nodes with different
 * trainer counts, or FC_NO_SHM_REDUCE set) one flat MPI_Allreduce and the full step everywhere.
 * The optimiser step reads the same in every mode:
 *   dist_grad_reduce(g); dist_grad_slice(g, &lo, &hi);
 *   norm = dist_grad_norm(g, sum of squares of grad[lo, hi)); step [lo, hi); dist_grad_gather(g, w) */
typedef struct DistGrad DistGrad;
DistGrad *dist_grad_create(size_t n, int flat);
/* the n floats backward writes the gradient into (zeroed at creation) */
float *dist_grad_buffer(DistGrad *g);
/* in place: this trainer's slice of the buffer (the whole buffer when not sharded) = the sum over
 * trainers, in a fixed order (bit-identical on every trainer) */
void dist_grad_reduce(DistGrad *g);
/* the slice [lo, hi) of the n floats this trainer updates: [0, n) when not sharded */
void dist_grad_slice(const DistGrad *g, size_t *lo, size_t *hi);
/* the global L2 norm of the summed gradient from this trainer's slice's sum of squares */
float dist_grad_norm(DistGrad *g, double slice_sumsq);
/* x (n floats, private memory) gets every other trainer's slice of its x; a no-op when not sharded
 * (collective) */
void dist_grad_gather(DistGrad *g, float *x);
/* "hierarchical" | "shared-memory" | "flat" | "none" (one trainer), as checkpoints record it */
const char *dist_grad_name(const DistGrad *g);
/* the same as one sentence, for the start-up table */
const char *dist_grad_describe(const DistGrad *g);
/* collective over trainers; NULL is fine */
void dist_grad_destroy(DistGrad *g);

/* where the job runs: nodes = distinct shared-memory domains of the world; trainers_per_node
 * lists the trainer count of every node that holds trainers, in node order ("2+2"). Collective
 * over the world, after dist_split. */
typedef struct {
    int nodes, trainer_nodes;
    int trainers_per_node_max;
    char trainers_per_node[128];
} DistTopology;
void dist_topology(DistTopology *t);

/* ---- world-wide helpers -------------------------------------------------------------------- */

/* setup-phase error agreement, collective over world: returns the largest status any rank
 * passed. When a rank failed, world rank 0 prints the lowest failing rank's fc_last_error() line
 * (dist_comm_agree_error), prefixed by `what` ("WHAT: error: ..."), before anyone returns, so a
 * mistake is reported exactly once. what = NULL: nothing is printed here; every rank holds that
 * message as its error (fc_last_error), and the command returns the status for main to print. */
int dist_agree_status(int rc, const char *what);
/* world barrier that sleeps while waiting (ranks that finished early do not spin) */
void dist_world_barrier(void);
/* buf (n bytes) on every world rank = buf of world rank `root`; the others wait sleeping */
void dist_world_bcast(void *buf, size_t n, int root);

/* ---- point to point between world ranks (the evaluator pool's hand-off) -------------------- */

typedef MPI_Request DistRequest;
/* non-blocking send of n bytes to world rank `dest` with `tag`; buf must live until completion */
void dist_isend(const void *buf, size_t n, int dest, int tag, DistRequest *req);
/* 1 when the request is complete (or null); progresses MPI */
int dist_test(DistRequest *req);
/* waits for completion, sleeping between tests */
void dist_wait(DistRequest *req);
/* blocking send (small messages) */
void dist_send(const void *buf, size_t n, int dest, int tag);
/* is a message from world rank `src` (any tag when tag < 0) waiting? 1 and its tag and size in
 * bytes, else 0. Non-blocking. */
int dist_iprobe(int src, int tag, int *tag_out, size_t *bytes_out);
/* blocking receive of exactly the message dist_iprobe reported (n bytes, tag) from `src` */
void dist_recv(void *buf, size_t n, int src, int tag);
/* waits (sleeping sleep_ms between probes) for any message from `src`; returns its tag, size */
int dist_wait_message(int src, size_t *bytes_out, int sleep_ms);

/* ---- collectives over the evaluator communicator ------------------------------------------- */

/* buf (n bytes) on every evaluator = buf of evaluator 0; the others wait sleeping */
void dist_eval_bcast(void *buf, size_t n);
/* in place sum over evaluators of v (n doubles), result on every evaluator */
void dist_eval_allreduce_sum(double *v, size_t n);
/* the evaluator communicator (MPI_COMM_NULL on trainers, before the roles split or without MPI) */
MPI_Comm dist_eval_comm(void);

/* ---- agreement over an explicit communicator (the windows loader; src/loader.c) ------------ */

/* collective over comm: FC_OK on every rank when every rank passed rc == FC_OK; otherwise FC_ERR
 * on every rank, and fc_last_error() everywhere holds the message of the lowest failing rank, so
 * rank 0 of comm reports it once. When only some ranks failed the message starts with "rank R on
 * HOST: " (R its world rank). Works without MPI (returns rc as FC_OK/FC_ERR). Every per-rank
 * check that precedes a collective goes through here first, so no rank waits forever inside a
 * collective the others skipped. */
int dist_comm_agree_error(MPI_Comm comm, int rc);
/* this process's host name (gethostname, cached) */
const char *dist_host(void);
/* max over comm of v (v itself without MPI) */
int64_t dist_comm_max_i64(MPI_Comm comm, int64_t v);

/* ---- gathering per-episode results (`flowchunk eval`; src/cmd_eval.c) ---------------------- */

/* collective over comm: every rank sends n bytes (n may differ per rank); rank 0 of comm receives
 * them concatenated in rank order into recv (recv_cap bytes; ignored elsewhere) and gets the total
 * byte count back (0 on the other ranks). Without MPI or on one rank it copies send to recv. */
size_t dist_gather_bytes(MPI_Comm comm, const void *send, size_t n, void *recv, size_t recv_cap);
/* this rank's rank in comm and comm's size (0 and 1 without MPI or for MPI_COMM_NULL) */
void dist_comm_rank_size(MPI_Comm comm, int *rank, int *size);
/* barrier over comm that sleeps while waiting (a no-op without MPI or on one rank) */
void dist_comm_barrier(MPI_Comm comm);

#endif

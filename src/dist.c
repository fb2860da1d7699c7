/* dist.c: the only module that calls MPI. Initialisation, job-wide abort, rank queries, the
 * trainer/evaluator split (one MPI_Comm_split), the trainers' collectives (weight broadcast,
 * gradient reduction DistGrad: shared-memory windows per node, else one allreduce; checksum
 * agreement), the evaluator
 * pool's point-to-point hand-off and the evaluators' collectives. Long waits poll with short
 * sleeps (MPI_Test + nanosleep) so idle ranks do not steal cores from busy ones. */
#include "flowchunk/dist.h"
#include "flowchunk/check.h"

#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static MPI_Comm trainer_comm = MPI_COMM_NULL;
static MPI_Comm eval_comm = MPI_COMM_NULL;
static int roles_split = 0;

static int mpi_started(void) {
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

int dist_mpi_active(void) { return mpi_started(); }

/* MPI errors are environment failures: one line, then the whole job goes down */
static void dist_errhandler(MPI_Comm *comm, int *code, ...) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    (void)comm;
    MPI_Error_string(*code, msg, &len);
    fprintf(stderr, "flowchunk: error: MPI: %s\n", msg);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

void dist_init(int *argc, char ***argv) {
    fc_set_job_hooks(dist_abort, dist_world_rank); /* check.c's fatal errors end the whole job */
    if (mpi_started()) return;
    MPI_Init(argc, argv);
    MPI_Errhandler eh;
    MPI_Comm_create_errhandler(dist_errhandler, &eh);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh);
}

void dist_finalize(void) {
    if (!mpi_started()) return;
    if (trainer_comm != MPI_COMM_NULL) MPI_Comm_free(&trainer_comm);
    if (eval_comm != MPI_COMM_NULL) MPI_Comm_free(&eval_comm);
    roles_split = 0;
    MPI_Finalize();
}

void dist_abort(int code) {
    fflush(stdout);
    fflush(stderr);
    /* alone, a plain exit keeps the one error line clean of Open MPI's MPI_ABORT banner;
     * in a real job MPI_Abort is what brings every other rank down */
    if (mpi_started()) {
        if (dist_world_size() == 1) {
            MPI_Finalize();
            exit(code);
        }
        MPI_Abort(MPI_COMM_WORLD, code);
    }
    exit(code);
}

int dist_world_rank(void) {
    int r = 0;
    if (mpi_started()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int dist_world_size(void) {
    int n = 1;
    if (mpi_started()) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

static void sleep_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* wait for one request, testing every `us` microseconds in between naps */
static void wait_sleeping(MPI_Request *req, long us) {
    int done = 0;
    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done) return;
        sleep_us(us);
    }
}

/* ---- roles --------------------------------------------------------------------------------- */

int dist_split(DistRoles *roles, int n_eval) {
    int P = dist_world_size(), me = dist_world_rank();
    if (n_eval < 0 || n_eval >= P)
        return fc_set_error("--eval-ranks %d needs at least %d ranks (one trainer + %d evaluators), "
                            "the job has %d",
                            n_eval, n_eval + 1, n_eval, P);
    roles->world_rank = me;
    roles->world_size = P;
    roles->n_evaluators = n_eval;
    roles->n_trainers = P - n_eval;
    roles->is_trainer = me < roles->n_trainers;
    roles->eval_root_world = n_eval > 0 ? roles->n_trainers : -1;
    roles->trainer_rank = roles->is_trainer ? me : -1;
    roles->eval_rank = roles->is_trainer ? -1 : me - roles->n_trainers;
    if (!mpi_started()) return FC_OK;
    if (roles_split) {
        if (trainer_comm != MPI_COMM_NULL) MPI_Comm_free(&trainer_comm);
        if (eval_comm != MPI_COMM_NULL) MPI_Comm_free(&eval_comm);
    }
    MPI_Comm c;
    MPI_Comm_split(MPI_COMM_WORLD, roles->is_trainer ? 0 : 1, me, &c);
    if (roles->is_trainer) {
        trainer_comm = c;
        eval_comm = MPI_COMM_NULL;
    } else {
        eval_comm = c;
        trainer_comm = MPI_COMM_NULL;
    }
    roles_split = 1;
    return FC_OK;
}

MPI_Comm dist_trainer_comm(void) { return roles_split ? trainer_comm : MPI_COMM_WORLD; }

/* the trainer communicator when there is more than one trainer, else MPI_COMM_NULL (no-op) */
static MPI_Comm tcomm(void) {
    if (!mpi_started()) return MPI_COMM_NULL;
    MPI_Comm c = dist_trainer_comm();
    if (c == MPI_COMM_NULL) return c;
    int n = 1;
    MPI_Comm_size(c, &n);
    return n > 1 ? c : MPI_COMM_NULL;
}

/* ---- trainer collectives ------------------------------------------------------------------- */

/* MPI counts are int: big buffers go in pieces */
#define DIST_CHUNK ((size_t)1 << 30)

void dist_bcast_bytes(void *buf, size_t n, int root) {
    MPI_Comm c = tcomm();
    if (c == MPI_COMM_NULL) return;
    for (size_t off = 0; off < n; off += DIST_CHUNK) {
        size_t k = n - off < DIST_CHUNK ? n - off : DIST_CHUNK;
        MPI_Bcast((char *)buf + off, (int)k, MPI_BYTE, root, c);
    }
}

void dist_bcast_floats(float *buf, size_t n, int root) { dist_bcast_bytes(buf, n * sizeof(float), root); }

void dist_allreduce_sum(float *buf, size_t n) {
    MPI_Comm c = tcomm();
    if (c == MPI_COMM_NULL) return;
    for (size_t off = 0; off < n; off += DIST_CHUNK / 4) {
        size_t k = n - off < DIST_CHUNK / 4 ? n - off : DIST_CHUNK / 4;
        MPI_Allreduce(MPI_IN_PLACE, buf + off, (int)k, MPI_FLOAT, MPI_SUM, c);
    }
}

double dist_allreduce_sum_double(double v) {
    MPI_Comm c = tcomm();
    if (c != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_SUM, c);
    return v;
}

int dist_allreduce_max_int(int v) {
    MPI_Comm c = tcomm();
    if (c != MPI_COMM_NULL) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, c);
    return v;
}

int dist_all_equal_u64(uint64_t v) {
    MPI_Comm c = tcomm();
    if (c == MPI_COMM_NULL) return 1;
    uint64_t lo = v, hi = v;
    MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_UINT64_T, MPI_MIN, c);
    MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_UINT64_T, MPI_MAX, c);
    return lo == hi;
}

void dist_trainer_barrier(void) {
    MPI_Comm c = tcomm();
    if (c == MPI_COMM_NULL) return;
    MPI_Request r;
    MPI_Ibarrier(c, &r);
    wait_sleeping(&r, 500);
}

/* ---- arrival exchange: who reached which step (the step watchdog reads it) ---------------- */

#define DIST_TAG_ARRIVE 7301
static struct {
    int P, me;
    _Atomic int64_t *heard;     /* heard[r]: the last step trainer r announced (-1: none yet) */
    int64_t *rbuf, sbuf;
    MPI_Request *req;           /* [0, P): receives, [P, 2P): sends */
    char (*host)[64];           /* host of every trainer */
} arrive;

void dist_arrive_init(void) {
    MPI_Comm c = tcomm();
    int P = 1, me = 0;
    if (c != MPI_COMM_NULL) {
        MPI_Comm_size(c, &P);
        MPI_Comm_rank(c, &me);
    }
    dist_arrive_free();
    arrive.P = P, arrive.me = me;
    arrive.heard = fc_calloc((size_t)P, sizeof *arrive.heard);
    arrive.rbuf = fc_calloc((size_t)P, sizeof *arrive.rbuf);
    arrive.req = fc_calloc(2 * (size_t)P, sizeof *arrive.req);
    arrive.host = fc_calloc((size_t)P, sizeof *arrive.host);
    for (int r = 0; r < P; r++) atomic_store(&arrive.heard[r], -1);
    snprintf(arrive.host[me], sizeof arrive.host[me], "%s", dist_host());
    if (c != MPI_COMM_NULL) MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, arrive.host, 64, MPI_CHAR, c);
}

void dist_arrive(int64_t step) {
    MPI_Comm c = tcomm();
    if (!arrive.heard) return;
    atomic_store(&arrive.heard[arrive.me], step);
    if (c == MPI_COMM_NULL) return;
    int P = arrive.P;
    arrive.sbuf = step;
    for (int r = 0; r < P; r++) {
        arrive.req[r] = arrive.req[P + r] = MPI_REQUEST_NULL;
        if (r == arrive.me) continue;
        MPI_Irecv(&arrive.rbuf[r], 1, MPI_INT64_T, r, DIST_TAG_ARRIVE, c, &arrive.req[r]);
        MPI_Isend(&arrive.sbuf, 1, MPI_INT64_T, r, DIST_TAG_ARRIVE, c, &arrive.req[P + r]);
    }
    int left = P - 1, idx[64], n = 0;
    int *got = P <= 64 ? idx : fc_malloc((size_t)P * sizeof(int));
    while (left > 0) {
        MPI_Testsome(P, arrive.req, &n, got, MPI_STATUSES_IGNORE);
        if (n == MPI_UNDEFINED) break;
        for (int i = 0; i < n; i++) atomic_store(&arrive.heard[got[i]], arrive.rbuf[got[i]]);
        left -= n;
        if (n == 0) sched_yield();
    }
    if (got != idx) free(got);
    MPI_Waitall(P, arrive.req + P, MPI_STATUSES_IGNORE);
}

int64_t dist_arrive_heard(int r) { return arrive.heard && r < arrive.P ? atomic_load(&arrive.heard[r]) : -1; }
int dist_arrive_size(void) { return arrive.P; }
const char *dist_arrive_host(int r) { return arrive.host && r < arrive.P ? arrive.host[r] : "?"; }

void dist_arrive_free(void) {
    free((void *)arrive.heard);
    free(arrive.rbuf);
    free(arrive.req);
    free(arrive.host);
    memset(&arrive, 0, sizeof arrive);
}

/* ---- topology ---------------------------------------------------------------------------- */

void dist_topology(DistTopology *t) {
    memset(t, 0, sizeof *t);
    int P = dist_world_size(), me = dist_world_rank();
    if (!mpi_started() || P == 1) {
        t->nodes = t->trainer_nodes = t->trainers_per_node_max = 1;
        snprintf(t->trainers_per_node, sizeof t->trainers_per_node, "1");
        return;
    }
    /* node id = the lowest world rank on the node */
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, me, MPI_INFO_NULL, &node);
    int id = me, mine[2];
    MPI_Allreduce(MPI_IN_PLACE, &id, 1, MPI_INT, MPI_MIN, node);
    MPI_Comm_free(&node);
    mine[0] = id, mine[1] = roles_split ? trainer_comm != MPI_COMM_NULL : 1;
    int *all = fc_malloc(2 * (size_t)P * sizeof(int));
    MPI_Allgather(mine, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD);
    size_t len = 0;
    for (int r = 0; r < P; r++) {
        if (all[2 * r] != r) continue; /* r is the lowest rank of its node: one node */
        int k = 0;
        for (int q = 0; q < P; q++) k += all[2 * q] == r && all[2 * q + 1];
        t->nodes++;
        if (k == 0) continue;
        t->trainer_nodes++;
        if (k > t->trainers_per_node_max) t->trainers_per_node_max = k;
        if (len < sizeof t->trainers_per_node)
            len += (size_t)snprintf(t->trainers_per_node + len, sizeof t->trainers_per_node - len, "%s%d",
                                    t->trainer_nodes > 1 ? "+" : "", k);
    }
    free(all);
}

/* ---- world helpers ------------------------------------------------------------------------- */

int dist_agree_status(int rc, const char *what) {
    int worst = rc; /* the status every rank returns: the largest */
    if (mpi_started()) MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (dist_comm_agree_error(MPI_COMM_WORLD, rc) == FC_OK) return 0;
    if (dist_world_rank() == 0 && what) { /* holds the lowest failing rank's message now */
        fprintf(stderr, "%s: error: %s\n", what, fc_last_error());
        fflush(stderr);
    }
    dist_world_barrier(); /* the message is out before any rank moves on to abort */
    return worst;
}

void dist_world_barrier(void) {
    if (!mpi_started() || dist_world_size() == 1) return;
    MPI_Request r;
    MPI_Ibarrier(MPI_COMM_WORLD, &r);
    wait_sleeping(&r, 1000);
}

void dist_world_bcast(void *buf, size_t n, int root) {
    if (!mpi_started() || dist_world_size() == 1) return;
    FC_ASSERT(n <= INT_MAX, "dist_world_bcast messages must be smaller than 2 GiB");
    MPI_Request r;
    MPI_Ibcast(buf, (int)n, MPI_BYTE, root, MPI_COMM_WORLD, &r);
    wait_sleeping(&r, 1000);
}

/* ---- point to point ------------------------------------------------------------------------ */

void dist_isend(const void *buf, size_t n, int dest, int tag, DistRequest *req) {
    FC_ASSERT(mpi_started(), "dist_isend needs MPI (more than one rank)");
    FC_ASSERT(n <= INT_MAX, "dist_isend messages must be smaller than 2 GiB");
    MPI_Isend(buf, (int)n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, req);
}

int dist_test(DistRequest *req) {
    if (*req == MPI_REQUEST_NULL) return 1;
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    return done;
}

void dist_wait(DistRequest *req) {
    if (*req != MPI_REQUEST_NULL) wait_sleeping(req, 500);
}

void dist_send(const void *buf, size_t n, int dest, int tag) {
    FC_ASSERT(n <= INT_MAX, "dist_send messages must be smaller than 2 GiB");
    MPI_Send(buf, (int)n, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

int dist_iprobe(int src, int tag, int *tag_out, size_t *bytes_out) {
    if (!mpi_started()) return 0;
    int flag = 0, count = 0;
    MPI_Status st;
    MPI_Iprobe(src, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, &flag, &st);
    if (!flag) return 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    if (tag_out) *tag_out = st.MPI_TAG;
    if (bytes_out) *bytes_out = (size_t)count;
    return 1;
}

void dist_recv(void *buf, size_t n, int src, int tag) {
    FC_ASSERT(n <= INT_MAX, "dist_recv messages must be smaller than 2 GiB");
    MPI_Recv(buf, (int)n, MPI_BYTE, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int dist_wait_message(int src, size_t *bytes_out, int sleep_ms) {
    int tag = 0;
    while (!dist_iprobe(src, -1, &tag, bytes_out)) sleep_us(1000L * sleep_ms);
    return tag;
}

/* ---- evaluator collectives ----------------------------------------------------------------- */

void dist_eval_bcast(void *buf, size_t n) {
    if (!mpi_started() || eval_comm == MPI_COMM_NULL) return;
    int k = 1;
    MPI_Comm_size(eval_comm, &k);
    if (k == 1) return;
    FC_ASSERT(n <= INT_MAX, "dist_eval_bcast messages must be smaller than 2 GiB");
    MPI_Request r;
    MPI_Ibcast(buf, (int)n, MPI_BYTE, 0, eval_comm, &r);
    wait_sleeping(&r, 2000);
}

MPI_Comm dist_eval_comm(void) { return mpi_started() ? eval_comm : MPI_COMM_NULL; }

void dist_eval_allreduce_sum(double *v, size_t n) {
    if (!mpi_started() || eval_comm == MPI_COMM_NULL) return;
    MPI_Request r;
    MPI_Iallreduce(MPI_IN_PLACE, v, (int)n, MPI_DOUBLE, MPI_SUM, eval_comm, &r);
    wait_sleeping(&r, 1000);
}

/* ---- agreement over an explicit communicator (the windows loader) -------------------------- */

const char *dist_host(void) {
    static char host[64];
    if (!host[0] && gethostname(host, sizeof host - 1) != 0) snprintf(host, sizeof host, "?");
    return host;
}

/* the last message an agreement produced: agreeing it again (loader, then world) keeps the one
 * attribution it already has */
static char dist_agreed[1024];

int dist_comm_agree_error(MPI_Comm comm, int rc) {
    rc = rc != FC_OK ? FC_ERR : FC_OK;
    if (!mpi_started() || comm == MPI_COMM_NULL) return rc;
    int me = 0, n = 1;
    MPI_Comm_rank(comm, &me);
    MPI_Comm_size(comm, &n);
    int first = rc ? me : n, failed = rc ? 1 : 0; /* the lowest failing rank, n when none failed */
    MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == n) return FC_OK;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_SUM, comm);
    char msg[1024];
    if (me == first) {
        const char *e = fc_last_error();
        /* a check only some ranks failed (a file missing on one node, a different working
         * directory): say which rank and host, since the reporting rank may not see the problem */
        if (failed < n && strcmp(e, dist_agreed) != 0)
            snprintf(msg, sizeof msg, "rank %d on %s%s: %s", dist_world_rank(), dist_host(),
                     failed > 1 ? " (and more ranks)" : "", e);
        else snprintf(msg, sizeof msg, "%s", e);
    }
    MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first, comm);
    msg[sizeof msg - 1] = '\0';
    snprintf(dist_agreed, sizeof dist_agreed, "%s", msg);
    fc_set_error("%s", msg);
    return FC_ERR;
}

int64_t dist_comm_max_i64(MPI_Comm comm, int64_t v) {
    if (!mpi_started() || comm == MPI_COMM_NULL) return v;
    MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT64_T, MPI_MAX, comm);
    return v;
}

/* ---- gathering per-episode results ---------------------------------------------------------- */

void dist_comm_rank_size(MPI_Comm comm, int *rank, int *size) {
    *rank = 0, *size = 1;
    if (mpi_started() && comm != MPI_COMM_NULL) {
        MPI_Comm_size(comm, size);
        MPI_Comm_rank(comm, rank);
    }
}

void dist_comm_barrier(MPI_Comm comm) {
    int rank, size;
    dist_comm_rank_size(comm, &rank, &size);
    if (size == 1) return;
    MPI_Request r;
    MPI_Ibarrier(comm, &r);
    wait_sleeping(&r, 1000);
}

size_t dist_gather_bytes(MPI_Comm comm, const void *send, size_t n, void *recv, size_t recv_cap) {
    int size = 1, rank = 0;
    dist_comm_rank_size(comm, &rank, &size);
    if (size == 1) {
        FC_ASSERT(n <= recv_cap, "dist_gather_bytes needs a receive buffer as large as everything sent");
        if (n) memcpy(recv, send, n);
        return n;
    }
    FC_ASSERT(n <= INT_MAX, "dist_gather_bytes messages must be smaller than 2 GiB");
    int count = (int)n, *counts = NULL, *displs = NULL;
    size_t total = 0;
    if (rank == 0) {
        counts = fc_malloc((size_t)size * sizeof(int));
        displs = fc_malloc((size_t)size * sizeof(int));
    }
    MPI_Gather(&count, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
    if (rank == 0) {
        for (int r = 0; r < size; r++) {
            FC_ASSERT(total + (size_t)counts[r] <= INT_MAX, "dist_gather_bytes totals must be smaller than 2 GiB");
            displs[r] = (int)total;
            total += (size_t)counts[r];
        }
        FC_ASSERT(total <= recv_cap, "dist_gather_bytes needs a receive buffer as large as everything sent");
    }
    MPI_Gatherv(send, count, MPI_BYTE, recv, counts, displs, MPI_BYTE, 0, comm);
    free(counts);
    free(displs);
    return total;
}

/* ---- hierarchical gradient reduction: a shared-memory window per node, then across nodes -- */

typedef struct DistShm DistShm;
struct DistShm {
    MPI_Comm node;     /* the trainers on this node */
    MPI_Comm cross;    /* the trainers with this node-local rank, one per node (NULL: one node) */
    MPI_Win win;
    int P, me;         /* trainers on this node, this trainer's rank among them */
    int nodes;
    size_t n;
    float **seg;       /* seg[r]: node trainer r's n floats, mapped into this process */
    double **scalar;   /* scalar[r]: one double after trainer r's floats (dist_shm_sum_double) */
};

static DistShm *dist_shm_create(size_t n) {
    MPI_Comm c = tcomm();
    if (c == MPI_COMM_NULL || n == 0 || getenv("FC_NO_SHM_REDUCE")) return NULL;
    int me, local, lrank;
    MPI_Comm_rank(c, &me);
    MPI_Comm node;
    MPI_Comm_split_type(c, MPI_COMM_TYPE_SHARED, me, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local);
    MPI_Comm_rank(node, &lrank);
    /* slice r of every node is summed across nodes by the node-local ranks r: that needs the same
     * trainer count on every node (the same answer everywhere, else the flat allreduce) */
    int lo_hi[2] = {-local, local};
    MPI_Allreduce(MPI_IN_PLACE, lo_hi, 2, MPI_INT, MPI_MAX, c);
    int nodes = 0, lead = lrank == 0;
    MPI_Allreduce(&lead, &nodes, 1, MPI_INT, MPI_SUM, c);
    if (-lo_hi[0] != lo_hi[1] || (local < 2 && nodes < 2)) {
        MPI_Comm_free(&node);
        return NULL;
    }
    DistShm *s = fc_calloc(1, sizeof *s);
    s->node = node, s->P = local, s->me = lrank, s->n = n, s->nodes = nodes;
    s->cross = MPI_COMM_NULL;
    MPI_Comm cross;
    MPI_Comm_split(c, lrank, me, &cross);
    if (nodes > 1) s->cross = cross;
    else MPI_Comm_free(&cross);
    s->seg = fc_calloc((size_t)local, sizeof *s->seg);
    s->scalar = fc_calloc((size_t)local, sizeof *s->scalar);
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shared_noncontig", "true"); /* each segment on its owner's pages */
    float *mine = NULL;
    size_t fbytes = (n * sizeof(float) + 63) & ~(size_t)63, bytes = (fbytes + 64 + 4095) & ~(size_t)4095;
    MPI_Win_allocate_shared((MPI_Aint)bytes, (int)sizeof(float), info, node, &mine, &s->win);
    MPI_Info_free(&info);
    for (int r = 0; r < local; r++) {
        MPI_Aint size;
        int disp;
        MPI_Win_shared_query(s->win, r, &size, &disp, &s->seg[r]);
        s->scalar[r] = (double *)((char *)s->seg[r] + fbytes);
    }
    memset(mine, 0, n * sizeof(float));
    /* one passive epoch for the window's life: MPI_Win_sync + a barrier order the plain loads and
     * stores (the unified memory model's recipe for shared windows) */
    MPI_Win_lock_all(MPI_MODE_NOCHECK, s->win);
    return s;
}

static int dist_shm_nodes(const DistShm *s) { return s->nodes; }

static float *dist_shm_buffer(DistShm *s) { return s->seg[s->me]; }

static void dist_shm_slice(const DistShm *s, size_t *lo, size_t *hi) {
    *lo = s->n * (size_t)s->me / (size_t)s->P;
    *hi = s->n * (size_t)(s->me + 1) / (size_t)s->P;
}

static void dist_shm_fence(DistShm *s) {
    MPI_Win_sync(s->win);
    MPI_Barrier(s->node);
    MPI_Win_sync(s->win);
}

/* out[lo,hi) = sum over the node's trainers of their segments' [lo,hi), added in rank order:
 * every element is summed by one rank in one fixed order, so it is the same number wherever it
 * is stored; then, on several nodes, the node sums of [lo,hi) are added across nodes by the
 * trainers that own this slice on each node (one allreduce per slice, all slices at once) */
static void dist_shm_sum_into(DistShm *s, size_t lo, size_t hi) {
    enum { BLK = 1024 };
    float acc[BLK];
    for (size_t b = lo; b < hi; b += BLK) {
        size_t k = hi - b < BLK ? hi - b : BLK;
        memcpy(acc, s->seg[0] + b, k * sizeof(float));
        for (int r = 1; r < s->P; r++) {
            const float *g = s->seg[r] + b;
            for (size_t i = 0; i < k; i++) acc[i] += g[i];
        }
        memcpy(s->seg[s->me] + b, acc, k * sizeof(float));
    }
    float *mine = s->seg[s->me] + lo;
    if (s->cross != MPI_COMM_NULL) {
        for (size_t off = 0; off < hi - lo; off += DIST_CHUNK / 4) {
            size_t k = hi - lo - off < DIST_CHUNK / 4 ? hi - lo - off : DIST_CHUNK / 4;
            MPI_Allreduce(MPI_IN_PLACE, mine + off, (int)k, MPI_FLOAT, MPI_SUM, s->cross);
        }
    }
}

static void dist_shm_reduce_slice(DistShm *s) {
    size_t lo, hi;
    dist_shm_slice(s, &lo, &hi);
    dist_shm_fence(s);
    dist_shm_sum_into(s, lo, hi); /* the others only read this rank's slice of segments */
}

static double dist_shm_sum_double(DistShm *s, double v) {
    *s->scalar[s->me] = v;
    dist_shm_fence(s);
    double sum = 0;
    for (int r = 0; r < s->P; r++) sum += *s->scalar[r];
    return sum;
}

static void dist_shm_allgather(DistShm *s, float *x) {
    size_t lo, hi;
    dist_shm_slice(s, &lo, &hi);
    /* publish this rank's slice in its own segment (the summed gradient there is spent) */
    memcpy(s->seg[s->me] + lo, x + lo, (hi - lo) * sizeof(float));
    dist_shm_fence(s);
    for (int r = 0; r < s->P; r++) {
        if (r == s->me) continue;
        size_t a = s->n * (size_t)r / (size_t)s->P, b = s->n * (size_t)(r + 1) / (size_t)s->P;
        memcpy(x + a, s->seg[r] + a, (b - a) * sizeof(float));
    }
    dist_shm_fence(s); /* nobody writes a segment again before everyone has read it */
}

static void dist_shm_free(DistShm *s) {
    if (!s) return;
    if (mpi_started()) {
        MPI_Win_unlock_all(s->win);
        MPI_Win_free(&s->win);
        MPI_Comm_free(&s->node);
        if (s->cross != MPI_COMM_NULL) MPI_Comm_free(&s->cross);
    }
    free(s->seg);
    free(s->scalar);
    free(s);
}

/* ---- the gradient reduction of a step: the window when it applies, else one allreduce ----- */

struct DistGrad {
    DistShm *shm;      /* NULL: the flat path */
    float *flat;       /* the buffer of the flat path */
    size_t n;
    int trainers;
};

DistGrad *dist_grad_create(size_t n, int flat) {
    DistGrad *g = fc_calloc(1, sizeof *g);
    MPI_Comm c = tcomm();
    g->n = n;
    g->trainers = 1;
    if (c != MPI_COMM_NULL) MPI_Comm_size(c, &g->trainers);
    /* all trainers on one node: no MPI copies, about half the time of MPI_Allreduce here */
    if (!flat) g->shm = dist_shm_create(n);
    if (!g->shm) g->flat = fc_calloc(n ? n : 1, sizeof(float));
    return g;
}

float *dist_grad_buffer(DistGrad *g) { return g->shm ? dist_shm_buffer(g->shm) : g->flat; }

void dist_grad_reduce(DistGrad *g) {
    if (g->shm) dist_shm_reduce_slice(g->shm);
    else dist_allreduce_sum(g->flat, g->n);
}

void dist_grad_slice(const DistGrad *g, size_t *lo, size_t *hi) {
    if (g->shm) {
        dist_shm_slice(g->shm, lo, hi);
    } else {
        *lo = 0;
        *hi = g->n;
    }
}

float dist_grad_norm(DistGrad *g, double slice_sumsq) {
    return (float)sqrt(g->shm ? dist_shm_sum_double(g->shm, slice_sumsq) : slice_sumsq);
}

void dist_grad_gather(DistGrad *g, float *x) {
    if (g->shm) dist_shm_allgather(g->shm, x);
}

const char *dist_grad_name(const DistGrad *g) {
    if (g->trainers < 2) return "none";
    if (g->shm) return dist_shm_nodes(g->shm) > 1 ? "hierarchical" : "shared-memory";
    return "flat";
}

const char *dist_grad_describe(const DistGrad *g) {
    const char *name = dist_grad_name(g);
    if (!strcmp(name, "hierarchical"))
        return "hierarchical: sum in each node's shared-memory window, slices allreduced across nodes, optimiser "
               "sharded per node";
    if (!strcmp(name, "shared-memory"))
        return "sum in a shared-memory window, optimiser sharded (all trainers on one node)";
    return !strcmp(name, "flat") ? "one flat MPI_Allreduce" : "none (one trainer)";
}

void dist_grad_destroy(DistGrad *g) {
    if (!g) return;
    dist_shm_free(g->shm);
    free(g->flat);
    free(g);
}

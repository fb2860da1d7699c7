/* evalpool.c: the evaluator rank pool (see evalpool.h). Messages (world communicator, all from
 * or to trainer 0):
 *   EP_TAG_JOB    trainer 0 -> evaluator 0: EvalJob header + n_params floats (MPI_Isend)
 *   EP_TAG_STOP   trainer 0 -> evaluator 0: EvalJob header only, after the last job
 *   EP_TAG_REPORT evaluator 0 -> trainer 0: one EvalReport
 *   EP_TAG_DONE   evaluator 0 -> trainer 0: the stop was served, nothing else will come
 * Inside the pool, evaluator 0 broadcasts the header and the weights over the evaluator
 * communicator and they evaluate them together (eval_dist.h: each rolls out rollout_split's share
 * of the episodes, evaluator 0 gathers them). Idle evaluators wait in sleeping probes/broadcasts, not spinning. */
#include "flowchunk/evalpool.h"
#include "flowchunk/check.h"
#include "flowchunk/eval_dist.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EP_TAG_JOB = 101, EP_TAG_STOP = 102, EP_TAG_REPORT = 103, EP_TAG_DONE = 104 };

typedef struct {
    int64_t step;
    int32_t kind;
    int32_t stop;
    uint64_t n_params;
} EvalJob;


/* ---- trainer side -------------------------------------------------------------------------- */

void evalpool_init(EvalPool *ep, int root_world, size_t n_params, int ema) {
    memset(ep, 0, sizeof *ep);
    ep->root = root_world;
    ep->n_params = n_params;
    ep->ema = ema;
    for (int i = 0; i < EVALPOOL_SLOTS; i++) ep->slot[i].req = MPI_REQUEST_NULL;
}

void evalpool_free(EvalPool *ep) {
    for (int i = 0; i < EVALPOOL_SLOTS; i++) {
        EvalSlot *s = &ep->slot[i];
        if (s->req != MPI_REQUEST_NULL) dist_wait(&s->req);
        free(s->msg);
        free(s->params);
    }
    memset(ep, 0, sizeof *ep);
}

static size_t job_bytes(size_t n_params) { return sizeof(EvalJob) + n_params * sizeof(float); }

int evalpool_submit(EvalPool *ep, int64_t step, EvalKind kind, const float *params, const float *ema) {
    FC_ASSERT(!ep->stop_sent, "evalpool_submit must not be called after evalpool_stop");
    EvalSlot *s = NULL;
    for (int i = 0; i < EVALPOOL_SLOTS && !s; i++)
        if (!ep->slot[i].used) s = &ep->slot[i];
    if (!s) {
        if (kind == EVAL_PERIODIC) ep->busy_skips++;
        return 0;
    }
    if (!s->msg) s->msg = fc_malloc(job_bytes(ep->n_params));
    if (ep->ema && !s->params) s->params = fc_malloc(ep->n_params * sizeof(float));
    EvalJob h = {step, (int32_t)kind, 0, (uint64_t)ep->n_params};
    memcpy(s->msg, &h, sizeof h);
    memcpy(s->msg + sizeof h, ep->ema ? ema : params, ep->n_params * sizeof(float));
    if (ep->ema) memcpy(s->params, params, ep->n_params * sizeof(float));
    s->used = 1;
    s->step = step;
    dist_isend(s->msg, job_bytes(ep->n_params), ep->root, EP_TAG_JOB, &s->req);
    ep->submitted++;
    return 1;
}

int evalpool_poll(EvalPool *ep, EvalReport *rep) {
    for (int i = 0; i < EVALPOOL_SLOTS; i++)
        if (ep->slot[i].req != MPI_REQUEST_NULL) dist_test(&ep->slot[i].req);
    if (ep->done) return 0;
    int tag = 0;
    size_t bytes = 0;
    if (!dist_iprobe(ep->root, -1, &tag, &bytes)) return 0;
    if (tag == EP_TAG_DONE) {
        dist_recv(NULL, 0, ep->root, EP_TAG_DONE);
        ep->done = 1;
        return 0;
    }
    FC_CHECK(tag == EP_TAG_REPORT && bytes == sizeof *rep, "unexpected message (tag %d, %zu bytes) from the evaluator pool",
             tag, bytes);
    dist_recv(rep, sizeof *rep, ep->root, EP_TAG_REPORT);
    return 1;
}

int evalpool_weights(const EvalPool *ep, int64_t step, const float **params, const float **ema) {
    for (int i = 0; i < EVALPOOL_SLOTS; i++) {
        const EvalSlot *s = &ep->slot[i];
        if (!s->used || s->step != step) continue;
        const float *sent = (const float *)(s->msg + sizeof(EvalJob));
        *params = ep->ema ? s->params : sent;
        *ema = ep->ema ? sent : NULL;
        return 1;
    }
    return 0;
}

void evalpool_release(EvalPool *ep, int64_t step) {
    for (int i = 0; i < EVALPOOL_SLOTS; i++) {
        EvalSlot *s = &ep->slot[i];
        if (!s->used || s->step > step) continue;
        /* the pool has received it (it reported this or a newer step), so the send completes */
        dist_wait(&s->req);
        s->used = 0;
    }
}

void evalpool_stop(EvalPool *ep) {
    if (ep->stop_sent) return;
    EvalJob h = {-1, 0, 1, 0};
    dist_send(&h, sizeof h, ep->root, EP_TAG_STOP); /* small: buffered eagerly, never blocks long */
    ep->stop_sent = 1;
}

/* ---- evaluation ---------------------------------------------------------------------------- */

/* 1 when p's weights are all finite; else 0 and (when say) one line naming the first bad value:
 * a poisoned network is reported as 0 episodes instead of asserting inside the simulator */
static int evalpool_weights_finite(const Policy *p, int64_t step, int say) {
    size_t k = 0;
    const MlpTensor *t = mlp_find_nonfinite(&p->net, p->net.params, &k);
    if (t && say)
        fprintf(stderr, "flowchunk: eval pool: weights of step %lld are not finite (%s[%zu] = %g): not evaluated\n",
                (long long)step, t->name, k, (double)p->net.params[t->offset + k]);
    return t == NULL;
}

/* the report of evaluation d (of the step's weights; an empty d when they were not finite) */
static void evalpool_fill_report(EvalReport *rep, const EvalDist *d, int64_t step, int kind, double seconds,
                                 int evaluators, int skipped) {
    memset(rep, 0, sizeof *rep);
    rep->step = step;
    rep->kind = kind;
    rep->skipped = skipped;
    rep->evaluators = evaluators;
    rep->seconds = seconds;
    rep->noise_seeds = d->draws;
    if (!d->draw) return; /* not evaluated: 0 episodes */
    const EvalResult *all = &d->all;
    rep->episodes = (int32_t)(all->episodes / d->draws);
    rep->score_std = d->score_spread.std, rep->score_min = d->score_spread.min, rep->score_max = d->score_spread.max;
    rep->success_min = d->success_spread.min, rep->success_max = d->success_spread.max;
    rep->score = all->score;
    rep->success_rate = all->success_rate;
    rep->mean_coverage = all->mean_coverage;
    rep->rollouts_per_s = seconds > 0 ? all->episodes / seconds : 0;
    rep->env_steps = (double)all->env_steps;
}

/* evaluates p's weights over comm into a report on rank 0 of comm (say: that rank) */
static void evalpool_evaluate(Policy *p, const Norm *norm, const EvalConfig *ec, MPI_Comm comm, int64_t step,
                              int kind, int evaluators, int skipped, int say, EvalReport *rep) {
    FC_ASSERT(ec->noise_seeds >= 1 && ec->noise_seeds <= EVALPOOL_MAX_DRAWS, "an evaluation averages 1..EVALPOOL_MAX_DRAWS draws");
    double t0 = progress_now();
    EvalDist d;
    memset(&d, 0, sizeof d);
    d.draws = ec->noise_seeds;
    /* every rank holds the same weights, so all of them run the evaluation or none */
    if (evalpool_weights_finite(p, step, say)) eval_dist_run(&d, p, norm, ec, comm);
    if (say) evalpool_fill_report(rep, &d, step, kind, progress_now() - t0, evaluators, skipped);
    eval_dist_free(&d);
}

void evalpool_run_inline(Policy *p, const float *weights, const Norm *norm, const EvalConfig *ec, int64_t step,
                         EvalKind kind, EvalReport *rep) {
    memcpy(p->net.params, weights, p->net.n_params * sizeof(float));
    evalpool_evaluate(p, norm, ec, MPI_COMM_SELF, step, kind, 1, 0, 1, rep);
}

/* ---- evaluator side ------------------------------------------------------------------------ */

int evalpool_serve(const DistRoles *roles, const PolicyConfig *pc, const Norm *norm, const EvalConfig *ec) {
    Policy p;
    policy_init(&p, pc, 0);
    size_t n = p.net.n_params;
    int root = roles->eval_rank == 0, E = roles->n_evaluators;
    unsigned char *msg = fc_malloc(job_bytes(n)), *spare = root ? fc_malloc(job_bytes(n)) : NULL;
    for (;;) {
        EvalJob h = {0, 0, 0, 0};
        int skipped = 0;
        if (root) {
            size_t bytes = 0;
            int tag = dist_wait_message(0, &bytes, 5);
            FC_CHECK((tag == EP_TAG_JOB && bytes == job_bytes(n)) || (tag == EP_TAG_STOP && bytes == sizeof h),
                     "evaluator pool: unexpected message (tag %d, %zu bytes) from trainer 0", tag, bytes);
            dist_recv(msg, bytes, 0, tag);
            /* newer jobs queued while we were busy: evaluate only the newest */
            while (tag == EP_TAG_JOB && dist_iprobe(0, EP_TAG_JOB, NULL, &bytes)) {
                dist_recv(spare, bytes, 0, EP_TAG_JOB);
                EvalJob old, nw;
                memcpy(&old, msg, sizeof old);
                memcpy(&nw, spare, sizeof nw);
                fprintf(stderr, "flowchunk: eval pool: skipping step %lld, step %lld is newer\n", (long long)old.step,
                        (long long)nw.step);
                unsigned char *t = msg;
                msg = spare;
                spare = t;
                skipped++;
            }
            memcpy(&h, msg, sizeof h);
        }
        dist_eval_bcast(msg, sizeof h);
        memcpy(&h, msg, sizeof h);
        if (h.stop) break;
        dist_eval_bcast(msg + sizeof h, n * sizeof(float));
        memcpy(p.net.params, msg + sizeof h, n * sizeof(float));
        EvalReport rep;
        evalpool_evaluate(&p, norm, ec, dist_eval_comm(), h.step, h.kind, E, skipped, root, &rep);
        if (root) dist_send(&rep, sizeof rep, 0, EP_TAG_REPORT);
    }
    if (root) dist_send(NULL, 0, 0, EP_TAG_DONE);
    free(msg);
    free(spare);
    policy_free(&p);
    return FC_OK;
}

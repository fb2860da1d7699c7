/* evalpool.c: the evaluator rank pool (see evalpool.h). Messages (world communicator, all from
 * or to trainer 0):
 *   EP_TAG_JOB    trainer 0 -> evaluator 0: EvalJob header + n_params floats (MPI_Isend)
 *   EP_TAG_STOP   trainer 0 -> evaluator 0: EvalJob header only, after the last job
 *   EP_TAG_REPORT evaluator 0 -> trainer 0: one EvalReport
 *   EP_TAG_DONE   evaluator 0 -> trainer 0: the stop was served, nothing else will come
 * Inside the pool, evaluator 0 broadcasts the header and the weights over the evaluator
 * communicator, each evaluator rolls out rollout_split's share of the episodes, and the sums are
 * reduced. Idle evaluators wait in sleeping probes/broadcasts, not spinning. */
#include "flowchunk/evalpool.h"
#include "flowchunk/check.h"
#include "progress.h"

#include <math.h>
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

/* sums reduced over evaluators */
/* the reduced sums: totals, then (reward, success) per noise draw */
enum { ES_REWARD, ES_SUCCESS, ES_COVERAGE, ES_EPISODES, ES_ENV_STEPS, ES_DRAWS };
#define ES_N (ES_DRAWS + 2 * EVALPOOL_MAX_DRAWS)

const char *evalpool_kind_name(EvalKind k) { return k == EVAL_FINAL ? "final" : "periodic"; }

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

int evalpool_pending(const EvalPool *ep) {
    int n = 0;
    for (int i = 0; i < EVALPOOL_SLOTS; i++) n += ep->slot[i].used;
    return n;
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

/* rolls out episodes [first, first+count) of ec once per noise draw and adds their sums */
static void evalpool_share(Policy *p, const Norm *norm, const EvalConfig *ec, int first, int count, double *sums) {
    if (count <= 0) return;
    FC_ASSERT(ec->noise_seeds >= 1 && ec->noise_seeds <= EVALPOOL_MAX_DRAWS, "an evaluation averages 1..EVALPOOL_MAX_DRAWS draws");
    uint64_t *seeds = fc_malloc((size_t)count * sizeof(uint64_t));
    for (int i = 0; i < count; i++) seeds[i] = rollout_seed(ec, first + i);
    for (int k = 0; k < ec->noise_seeds; k++) {
        EvalConfig draw = *ec;
        draw.noise_seed = ec->noise_seed + (uint64_t)k;
        EvalResult res;
        rollout_eval(p, norm, &draw, seeds, count, &res, NULL);
        for (int i = 0; i < res.episodes; i++) {
            sums[ES_REWARD] += res.ep[i].max_reward;
            sums[ES_SUCCESS] += res.ep[i].success;
            sums[ES_COVERAGE] += res.ep[i].max_coverage;
            sums[ES_DRAWS + 2 * k] += res.ep[i].max_reward;
            sums[ES_DRAWS + 2 * k + 1] += res.ep[i].success;
        }
        sums[ES_EPISODES] += res.episodes;
        sums[ES_ENV_STEPS] += (double)res.env_steps;
        rollout_result_free(&res);
    }
    free(seeds);
}

static void evalpool_fill_report(EvalReport *rep, const double *sums, int draws, int64_t step, int kind,
                                 double seconds, int evaluators, int skipped) {
    memset(rep, 0, sizeof *rep);
    double n = sums[ES_EPISODES] > 0 ? sums[ES_EPISODES] : 1, per_draw = n / draws;
    rep->step = step;
    rep->kind = kind;
    rep->episodes = (int32_t)lround(sums[ES_EPISODES] / draws);
    rep->noise_seeds = draws;
    double score_k[EVALPOOL_MAX_DRAWS], success_k[EVALPOOL_MAX_DRAWS];
    for (int k = 0; k < draws; k++) {
        score_k[k] = sums[ES_DRAWS + 2 * k] / per_draw;
        success_k[k] = sums[ES_DRAWS + 2 * k + 1] / per_draw;
    }
    RolloutSpread ss = rollout_spread(score_k, draws), su = rollout_spread(success_k, draws);
    rep->score_std = ss.std, rep->score_min = ss.min, rep->score_max = ss.max;
    rep->success_min = su.min, rep->success_max = su.max;
    rep->skipped = skipped;
    rep->evaluators = evaluators;
    rep->score = sums[ES_REWARD] / n;
    rep->success_rate = sums[ES_SUCCESS] / n;
    rep->mean_coverage = sums[ES_COVERAGE] / n;
    rep->seconds = seconds;
    rep->rollouts_per_s = seconds > 0 ? sums[ES_EPISODES] / seconds : 0;
    rep->env_steps = sums[ES_ENV_STEPS];
}

void evalpool_run_inline(Policy *p, const float *weights, const Norm *norm, const EvalConfig *ec, int64_t step,
                         EvalKind kind, EvalReport *rep) {
    memcpy(p->net.params, weights, p->net.n_params * sizeof(float));
    double sums[ES_N] = {0};
    double t0 = progress_now();
    if (evalpool_weights_finite(p, step, 1)) evalpool_share(p, norm, ec, 0, ec->episodes, sums);
    evalpool_fill_report(rep, sums, ec->noise_seeds, step, kind, progress_now() - t0, 1, 0);
}

/* ---- evaluator side ------------------------------------------------------------------------ */

int evalpool_serve(const DistRoles *roles, const PolicyConfig *pc, const Norm *norm, const EvalConfig *ec) {
    Policy p;
    policy_init(&p, pc, 0);
    size_t n = p.net.n_params;
    int root = roles->eval_rank == 0, E = roles->n_evaluators;
    int first = 0, count = 0;
    rollout_split(ec->episodes, roles->eval_rank, E, &first, &count);
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
        double t0 = progress_now();
        dist_eval_bcast(msg + sizeof h, n * sizeof(float));
        memcpy(p.net.params, msg + sizeof h, n * sizeof(float));
        double sums[ES_N] = {0};
        if (evalpool_weights_finite(&p, h.step, root)) evalpool_share(&p, norm, ec, first, count, sums);
        dist_eval_allreduce_sum(sums, ES_N);
        if (root) {
            EvalReport rep;
            evalpool_fill_report(&rep, sums, ec->noise_seeds, h.step, h.kind, progress_now() - t0, E, skipped);
            dist_send(&rep, sizeof rep, 0, EP_TAG_REPORT);
        }
    }
    if (root) dist_send(NULL, 0, 0, EP_TAG_DONE);
    free(msg);
    free(spare);
    policy_free(&p);
    return FC_OK;
}

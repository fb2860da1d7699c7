/* eval_dist.c: one evaluation split over the ranks of a communicator (see eval_dist.h): the
 * episodes of every noise draw rolled out in per-rank batches, gathered on rank 0 with each
 * rank's timings, merged per draw and over the draws, and the draws' spread. */
#include "flowchunk/eval_dist.h"
#include "flowchunk/check.h"

#include <stdlib.h>
#include <string.h>

/* per-rank timings gathered with the episodes */
typedef struct {
    double seconds, cpu_seconds, policy_seconds, sim_seconds;
    int64_t decisions;
} EvalRankStats;

/* gathers every rank's episodes and timings of one draw on rank 0 of comm into *all */
static void eval_dist_gather(const EvalConfig *ec, const EvalResult *mine, MPI_Comm comm, EvalResult *all) {
    int me, P;
    dist_comm_rank_size(comm, &me, &P);
    EvalRankStats st = {mine->seconds, mine->cpu_seconds, mine->policy_seconds, mine->sim_seconds, mine->decisions};
    EvalEpisode *eps = me == 0 ? fc_malloc((size_t)(ec->episodes ? ec->episodes : 1) * sizeof(EvalEpisode)) : NULL;
    EvalRankStats *sts = me == 0 ? fc_malloc((size_t)P * sizeof(EvalRankStats)) : NULL;
    dist_gather_bytes(comm, mine->ep, (size_t)mine->episodes * sizeof(EvalEpisode), eps,
                      me == 0 ? (size_t)ec->episodes * sizeof(EvalEpisode) : 0);
    dist_gather_bytes(comm, &st, sizeof st, sts, me == 0 ? (size_t)P * sizeof(EvalRankStats) : 0);
    if (me != 0) return;
    EvalResult *parts = fc_calloc((size_t)P, sizeof(EvalResult));
    for (int r = 0, at = 0; r < P; r++) {
        int first, count;
        rollout_split(ec->episodes, r, P, &first, &count);
        parts[r].episodes = count;
        parts[r].ep = eps + at;
        parts[r].seconds = sts[r].seconds;
        parts[r].cpu_seconds = sts[r].cpu_seconds;
        parts[r].policy_seconds = sts[r].policy_seconds;
        parts[r].sim_seconds = sts[r].sim_seconds;
        parts[r].decisions = sts[r].decisions;
        at += count;
    }
    rollout_result_merge(all, parts, P);
    free(parts);
    free(eps);
    free(sts);
}

void eval_dist_run(EvalDist *d, Policy *p, const Norm *norm, const EvalConfig *ec, MPI_Comm comm) {
    FC_ASSERT(ec->noise_seeds >= 1, "an evaluation averages at least one noise draw");
    memset(d, 0, sizeof *d);
    int me, P, K = ec->noise_seeds, first, count;
    dist_comm_rank_size(comm, &me, &P);
    rollout_split(ec->episodes, me, P, &first, &count);
    uint64_t *seeds = fc_malloc((size_t)(count ? count : 1) * sizeof(uint64_t));
    for (int i = 0; i < count; i++) seeds[i] = rollout_seed(ec, first + i);
    d->draws = K;
    if (me == 0) {
        d->draw = fc_calloc((size_t)K, sizeof(EvalResult));
        d->score = fc_malloc((size_t)K * sizeof(double));
        d->success = fc_malloc((size_t)K * sizeof(double));
    }
    double seconds = 0;
    for (int k = 0; k < K; k++) { /* draw k: the whole evaluation under noise seed S + k */
        EvalConfig draw = *ec;
        draw.noise_seed = ec->noise_seed + (uint64_t)k;
        dist_comm_barrier(comm);
        EvalResult mine;
        rollout_eval(p, norm, &draw, seeds, count, &mine, NULL);
        eval_dist_gather(ec, &mine, comm, me == 0 ? &d->draw[k] : NULL);
        rollout_result_free(&mine);
        if (me != 0) continue;
        d->score[k] = d->draw[k].score;
        d->success[k] = d->draw[k].success_rate;
        seconds += d->draw[k].seconds;
    }
    free(seeds);
    if (me != 0) return;
    rollout_result_merge(&d->all, d->draw, K);
    d->all.seconds = seconds; /* the draws ran one after the other */
    d->all.rollouts_per_s = seconds > 0 ? d->all.episodes / seconds : 0.0;
    d->score_spread = rollout_spread(d->score, K);
    d->success_spread = rollout_spread(d->success, K);
}

void eval_dist_free(EvalDist *d) {
    for (int k = 0; d->draw && k < d->draws; k++) rollout_result_free(&d->draw[k]);
    free(d->draw);
    free(d->score);
    free(d->success);
    rollout_result_free(&d->all);
    memset(d, 0, sizeof *d);
}

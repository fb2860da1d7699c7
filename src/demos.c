/* demos.c: Push-T demonstrations by the built-in scripted expert (demos.h), no download.
 * Episode i starts from the seeded reset S + i (the real data's start distribution) and runs on
 * rank i % P; the ranks work in rounds of DEMOS_ROUND episodes each, rank 0 gathers every round
 * (dist_gather_bytes), reports progress on stderr and finally writes one episodes file. Every
 * random choice of an episode comes from a generator seeded by its reset seed (and the expert
 * seed), so the file is byte-identical whatever the number of ranks. */
#include "demos.h"
#include "flowchunk/check.h"
#include "flowchunk/dist.h"
#include "flowchunk/episodes.h"
#include "flowchunk/expert.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEMOS_ROUND 8 /* episodes per rank between two gathers */
#define DEMOS_KP 18   /* the 9 block keypoints of data/keypoint */

typedef struct {
    int64_t index;
    int32_t n_steps, success;
    double final_coverage, max_coverage;
} DemosHeader;

static size_t demos_episode_bytes(int n_steps, int kp) {
    return sizeof(DemosHeader) + (size_t)n_steps * (PUSHT_STATE_DIM + PUSHT_ACTION_DIM + (kp ? DEMOS_KP : 0)) * sizeof(float);
}

/* the growing result on rank 0 */
typedef struct {
    float *state, *action, *keypoint;
    int64_t n_steps, cap_steps;
    int64_t *ends;
    float *final_cov, *max_cov;
    uint8_t *success;
    int64_t n_episodes;
} DemosAll;

static void demos_append(DemosAll *all, const DemosHeader *h, const float *data, int kp) {
    int64_t n = h->n_steps;
    if (all->n_steps + n > all->cap_steps) {
        all->cap_steps = 2 * (all->n_steps + n) + 1024;
        all->state = realloc(all->state, (size_t)all->cap_steps * PUSHT_STATE_DIM * sizeof(float));
        all->action = realloc(all->action, (size_t)all->cap_steps * PUSHT_ACTION_DIM * sizeof(float));
        if (kp) all->keypoint = realloc(all->keypoint, (size_t)all->cap_steps * DEMOS_KP * sizeof(float));
        FC_CHECK(all->state && all->action && (!kp || all->keypoint), "out of memory collecting %lld demo steps",
                 (long long)all->cap_steps);
    }
    memcpy(all->state + all->n_steps * PUSHT_STATE_DIM, data, (size_t)n * PUSHT_STATE_DIM * sizeof(float));
    data += n * PUSHT_STATE_DIM;
    memcpy(all->action + all->n_steps * PUSHT_ACTION_DIM, data, (size_t)n * PUSHT_ACTION_DIM * sizeof(float));
    data += n * PUSHT_ACTION_DIM;
    if (kp) memcpy(all->keypoint + all->n_steps * DEMOS_KP, data, (size_t)n * DEMOS_KP * sizeof(float));
    all->n_steps += n;
    int64_t e = all->n_episodes++;
    all->ends[e] = all->n_steps;
    all->final_cov[e] = (float)h->final_coverage;
    all->max_cov[e] = (float)h->max_coverage;
    all->success[e] = (uint8_t)h->success;
}

/* fail before the work, not after: the output's directory must be writable */
static int demos_check_output(const char *path) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = 0;
    if (access(slash ? dir : ".", W_OK) != 0) return fc_set_error("cannot create %s: %s", path, strerror(errno));
    return FC_OK;
}

static double demos_clock(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
static double demos_now(void) { return demos_clock(CLOCK_MONOTONIC); }

/* the expert's generator seed of an episode: its reset seed, shifted by --expert-seed */
static uint64_t demos_expert_seed(const DemosConfig *a, int64_t i) {
    return (uint64_t)(a->seed + i) + ((uint64_t)a->expert_seed << 32);
}

static int demos_write(const DemosConfig *a, DemosAll *all) {
    Episodes ep;
    memset(&ep, 0, sizeof ep);
    ep.n_steps = all->n_steps;
    ep.n_episodes = all->n_episodes;
    ep.state = all->state;
    ep.action = all->action;
    ep.keypoint = a->keypoints ? all->keypoint : NULL;
    ep.episode_ends = all->ends;
    ep.episode_seed = fc_malloc((size_t)all->n_episodes * sizeof(int64_t));
    for (int64_t i = 0; i < all->n_episodes; i++) ep.episode_seed[i] = a->seed + i;
    ep.final_coverage = all->final_cov;
    ep.max_coverage = all->max_cov;
    ep.success = all->success;
    snprintf(ep.source, sizeof ep.source,
             "flowchunk demos: scripted expert, %s resets from seed %ld, expert seed %ld, max %ld steps, strokes of %ld "
             "steps, exec noise %g px",
             pusht_reset_kind_name(a->reset), a->seed, a->expert_seed, a->max_steps, a->stroke_steps, a->exec_noise);
    int rc = episodes_validate(&ep, a->out);
    if (rc == FC_OK) rc = episodes_write(&ep, a->out);
    free(ep.episode_seed);
    return rc;
}

int demos_generate(const DemosConfig *c, DemosResult *r) {
    memset(r, 0, sizeof *r);
    const int P = dist_world_size(), me = dist_world_rank(), kp = c->keypoints;
    if (dist_agree_status(me == 0 ? demos_check_output(c->out) : FC_OK, NULL) != FC_OK) return FC_ERR;
    const int64_t N = c->episodes;
    fc_log("demos: %lld episodes, %s resets from seed %ld, expert seed %ld, max %ld steps, strokes of %ld steps, exec "
           "noise %g px, %d rank%s "
           "-> %s",
           (long long)N, pusht_reset_kind_name(c->reset), c->seed, c->expert_seed, c->max_steps, c->stroke_steps, c->exec_noise, P,
           P > 1 ? "s" : "", c->out);

    ExpertConfig ecfg;
    expert_config_default(&ecfg);
    ecfg.exec_noise = c->exec_noise;
    ecfg.stroke_steps = (int)c->stroke_steps;
    Expert *ex = expert_create(&ecfg);
    PushtEnv *env = pusht_create();
    const int T = (int)c->max_steps;
    const size_t ep_max = demos_episode_bytes(T, kp);
    float *st = fc_malloc((size_t)T * PUSHT_STATE_DIM * sizeof(float));
    float *ac = fc_malloc((size_t)T * PUSHT_ACTION_DIM * sizeof(float));
    float *kps = kp ? fc_malloc((size_t)T * DEMOS_KP * sizeof(float)) : NULL;
    char *send = fc_malloc(DEMOS_ROUND * ep_max);
    char *recv = me == 0 ? fc_malloc((size_t)P * DEMOS_ROUND * ep_max) : NULL;
    const char **slot = me == 0 ? fc_malloc((size_t)P * DEMOS_ROUND * sizeof(char *)) : NULL;
    DemosAll all;
    memset(&all, 0, sizeof all);
    if (me == 0) {
        all.ends = fc_malloc((size_t)N * sizeof(int64_t));
        all.final_cov = fc_malloc((size_t)N * sizeof(float));
        all.max_cov = fc_malloc((size_t)N * sizeof(float));
        all.success = fc_malloc((size_t)N);
    }

    const double t0 = demos_now();
    double cpu_mine = 0; /* CPU time of the episodes themselves (not of waiting in the gathers) */
    double last_log = t0;
    int64_t n_success = 0;
    const int64_t per_round = (int64_t)P * DEMOS_ROUND;
    for (int64_t base = 0; base < N; base += per_round) {
        /* this rank's episodes of the round: base + me, base + me + P, ... */
        size_t used = 0;
        for (int64_t i = base + me; i < N && i < base + per_round; i += P) {
            double c0 = demos_clock(CLOCK_THREAD_CPUTIME_ID);
            ExpertOutcome o = expert_run_episode(ex, env, (uint64_t)(c->seed + i), c->reset, demos_expert_seed(c, i), T,
                                                 st, ac, kps);
            cpu_mine += demos_clock(CLOCK_THREAD_CPUTIME_ID) - c0;
            DemosHeader h = {i, o.n_steps, o.success, o.final_coverage, o.max_coverage};
            char *p = send + used;
            memcpy(p, &h, sizeof h);
            p += sizeof h;
            memcpy(p, st, (size_t)o.n_steps * PUSHT_STATE_DIM * sizeof(float));
            p += (size_t)o.n_steps * PUSHT_STATE_DIM * sizeof(float);
            memcpy(p, ac, (size_t)o.n_steps * PUSHT_ACTION_DIM * sizeof(float));
            p += (size_t)o.n_steps * PUSHT_ACTION_DIM * sizeof(float);
            if (kp) memcpy(p, kps, (size_t)o.n_steps * DEMOS_KP * sizeof(float));
            used += demos_episode_bytes(o.n_steps, kp);
        }
        size_t total = dist_gather_bytes(MPI_COMM_WORLD, send, used, recv, me == 0 ? (size_t)P * DEMOS_ROUND * ep_max : 0);
        if (me != 0) continue;
        /* put the round's episodes in index order, then append them */
        int64_t n_round = (N - base < per_round) ? N - base : per_round;
        for (int64_t k = 0; k < n_round; k++) slot[k] = NULL;
        for (size_t off = 0; off < total;) {
            DemosHeader h;
            memcpy(&h, recv + off, sizeof h);
            FC_ASSERT(h.index >= base && h.index < base + n_round, "a gathered demo must belong to the current round");
            slot[h.index - base] = recv + off;
            off += demos_episode_bytes(h.n_steps, kp);
        }
        for (int64_t k = 0; k < n_round; k++) {
            FC_ASSERT(slot[k] != NULL, "every episode of a round must arrive at rank 0");
            DemosHeader h;
            memcpy(&h, slot[k], sizeof h);
            demos_append(&all, &h, (const float *)(slot[k] + sizeof h), kp);
            n_success += h.success;
        }
        double now = demos_now(), el = now - t0;
        if (now - last_log >= 2.0 || all.n_episodes == N) {
            last_log = now;
            fc_log("demos: %lld/%lld episodes, success %.1f%%, %.1f demos/min, ETA %.0f s", (long long)all.n_episodes,
                   (long long)N, 100.0 * n_success / all.n_episodes, 60 * all.n_episodes / el,
                   el * (N - all.n_episodes) / all.n_episodes);
        }
    }
    const double seconds = demos_now() - t0;
    /* the episodes' CPU time summed over ranks: a throughput that other jobs on the machine do
     * not skew (wall time does) */
    double cpu = 0;
    double *cpus = me == 0 ? fc_malloc((size_t)P * sizeof(double)) : NULL;
    dist_gather_bytes(MPI_COMM_WORLD, &cpu_mine, sizeof cpu_mine, cpus, me == 0 ? (size_t)P * sizeof(double) : 0);
    for (int q = 0; me == 0 && q < P; q++) cpu += cpus[q];
    free(cpus);
    expert_destroy(ex);
    pusht_destroy(env);
    free(st);
    free(ac);
    free(kps);
    free(send);
    int rc = FC_OK;
    if (me == 0) {
        rc = demos_write(c, &all);
        double maxrew = 0;
        for (int64_t i = 0; i < all.n_episodes; i++) maxrew += pusht_reward_of(all.max_cov[i]);
        r->episodes = all.n_episodes;
        r->steps = all.n_steps;
        r->successes = n_success;
        r->success_rate = (double)n_success / (double)all.n_episodes;
        r->mean_max_reward = maxrew / (double)all.n_episodes;
        r->seconds = seconds;
        r->cpu_seconds = cpu;
        r->ranks = P;
        free(recv);
        free(slot);
        free(all.state);
        free(all.action);
        free(all.keypoint);
        free(all.ends);
        free(all.final_cov);
        free(all.max_cov);
        free(all.success);
    }
    return rc;
}

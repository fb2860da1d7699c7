/* cmd_demos.c: `flowchunk demos -o EPISODES.h5 --episodes N [--seed S]`: Push-T demonstrations by
 * the built-in scripted expert (expert.h), no download. Episode i starts from the seeded reset
 * S + i (the real data's start distribution) and runs on rank i % P; the ranks work in rounds of
 * DEMOS_ROUND episodes each, rank 0 gathers every round (dist_gather_bytes), reports progress on
 * stderr and finally writes one episodes file. Every random choice of an episode comes from a
 * generator seeded by its reset seed (and --expert-seed), so the file is byte-identical whatever
 * the number of ranks. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/dist.h"
#include "flowchunk/episodes.h"
#include "flowchunk/expert.h"
#include "flowchunk/pusht.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEMOS_DEFAULT_SEED 200000 /* far from the training data (0..205) and evaluation (100000..) */
#define DEMOS_ROUND 8             /* episodes per rank between two gathers */
#define DEMOS_KP 18               /* the 9 block keypoints of data/keypoint */

static const char *DEMOS_USAGE =
    "usage: flowchunk demos -o EPISODES.h5 --episodes N [--seed S] [--reset legacy|gym]\n"
    "                       [--max-steps 300] [--expert-seed K] [--stroke-steps 8]\n"
    "                       [--exec-noise PX] [--no-keypoints] [--json]\n"
    "\n"
    "Generate Push-T demonstrations with the built-in scripted expert, in the layout of the imported\n"
    "human data (data/state, data/action, data/keypoint, meta/episode_ends, meta/episode_seed) plus\n"
    "each episode's outcome (meta/final_coverage, meta/max_coverage, meta/success).\n"
    "Episode i starts from the seeded reset S + i and ends on success (coverage > 0.95) or after\n"
    "--max-steps steps. The expert plans pushes with the simulator as its model and picks between\n"
    "two distinct first pushes (routes) with a generator seeded per episode, so demos are\n"
    "multimodal, yet the file is identical whatever the number of MPI ranks (episode i runs on\n"
    "rank i % P).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE     episodes file to write (atomically)\n"
    "      --episodes N      number of episodes\n"
    "      --seed S          first reset seed (default 200000: away from the human data's seeds\n"
    "                        0..205 and the evaluation seeds 100000..100049)\n"
    "      --reset KIND      legacy (numpy RandomState, Diffusion Policy; default) | gym (PCG64)\n"
    "      --max-steps N     step limit per episode (default 300)\n"
    "      --expert-seed K   another sample of the expert's choices for the same starts (default 0)\n"
    "      --stroke-steps N  a push runs open loop for up to N steps before the expert steers or\n"
    "                        stops again (default 8, the policy's Ta: its chunks are then\n"
    "                        predictable from the state they start at; 1 = decide every step)\n"
    "      --exec-noise PX   std (px) of a smooth random disturbance added to the executed actions,\n"
    "                        not to the recorded ones: the demos then show the expert correcting\n"
    "                        drift (DART). States then no longer replay from the stored actions.\n"
    "                        Default 0 (none; 6 px did not raise a policy's score)\n"
    "      --no-keypoints    do not store data/keypoint\n"
    "      --json            print one JSON summary object on stdout\n"
    "  -h, --help            this help\n";

typedef struct {
    const char *out;
    long episodes, seed, max_steps, expert_seed;
    double exec_noise;
    long stroke_steps;
    PushtResetKind reset;
    int keypoints, json;
} DemosArgs;

static int demos_parse(int argc, char **argv, DemosArgs *a) {
    enum { O_EPISODES = 1000, O_SEED, O_RESET, O_MAX_STEPS, O_EXPERT_SEED, O_EXEC_NOISE, O_STROKE, O_NO_KP, O_JSON };
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"episodes", required_argument, 0, O_EPISODES},
        {"seed", required_argument, 0, O_SEED}, {"reset", required_argument, 0, O_RESET},
        {"max-steps", required_argument, 0, O_MAX_STEPS}, {"expert-seed", required_argument, 0, O_EXPERT_SEED},
        {"exec-noise", required_argument, 0, O_EXEC_NOISE}, {"stroke-steps", required_argument, 0, O_STROKE},
        {"no-keypoints", no_argument, 0, O_NO_KP}, {"json", no_argument, 0, O_JSON},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->episodes = -1;
    a->seed = DEMOS_DEFAULT_SEED;
    a->max_steps = 300;
    a->reset = PUSHT_RESET_LEGACY;
    a->keypoints = 1;
    ExpertConfig dflt;
    expert_config_default(&dflt);
    a->stroke_steps = dflt.stroke_steps;
    optind = 1;
    opterr = 0;
    int rc = FC_OK;
    for (int c; rc == FC_OK && (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case O_EPISODES: rc = cli_int("demos", "--episodes", optarg, 1, 10000000, &a->episodes); break;
        case O_SEED: rc = cli_int("demos", "--seed", optarg, 0, 4294967295L, &a->seed); break;
        case O_RESET:
            if (pusht_reset_kind_parse(optarg, &a->reset) != 0)
                rc = cli_usage_error("demos", DEMOS_USAGE, "--reset expects legacy or gym, got '%s'", optarg);
            break;
        case O_MAX_STEPS: rc = cli_int("demos", "--max-steps", optarg, 1, 100000, &a->max_steps); break;
        case O_EXPERT_SEED: rc = cli_int("demos", "--expert-seed", optarg, 0, 2147483647L, &a->expert_seed); break;
        case O_EXEC_NOISE: rc = cli_double("demos", "--exec-noise", optarg, 0, 100, &a->exec_noise); break;
        case O_STROKE: rc = cli_int("demos", "--stroke-steps", optarg, 1, 1000, &a->stroke_steps); break;
        case O_NO_KP: a->keypoints = 0; break;
        case O_JSON: a->json = 1; break;
        case 'h': fputs(DEMOS_USAGE, stdout); return -1;
        default:
            return cli_usage_error("demos", DEMOS_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (rc != FC_OK) return FC_ERR_USAGE;
    if (optind < argc) return cli_usage_error("demos", DEMOS_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!a->out) return cli_usage_error("demos", DEMOS_USAGE, "missing -o EPISODES.h5");
    if (a->episodes < 0) return cli_usage_error("demos", DEMOS_USAGE, "missing --episodes N");
    if (a->reset == PUSHT_RESET_LEGACY && a->seed + a->episodes - 1 > 4294967295L)
        return cli_usage_error("demos", DEMOS_USAGE, "legacy reset seeds must stay below 2^32 (--seed + --episodes)");
    return FC_OK;
}

/* one episode as it travels to rank 0: this header, then state (n,5), action (n,2), keypoint (n,18) */
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
static uint64_t demos_expert_seed(const DemosArgs *a, int64_t i) {
    return (uint64_t)(a->seed + i) + ((uint64_t)a->expert_seed << 32);
}

static int demos_write(const DemosArgs *a, DemosAll *all) {
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

static void demos_print_json(const DemosArgs *a, const DemosAll *all, double seconds, double cpu, int P) {
    double succ = 0, maxrew = 0;
    for (int64_t i = 0; i < all->n_episodes; i++) {
        succ += all->success[i];
        maxrew += pusht_reward_of(all->max_cov[i]);
    }
    double n = (double)all->n_episodes;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "output", a->out);
    cJSON_AddNumberToObject(o, "episodes", n);
    cJSON_AddNumberToObject(o, "steps", (double)all->n_steps);
    cJSON_AddNumberToObject(o, "seed", (double)a->seed);
    cJSON_AddStringToObject(o, "reset", pusht_reset_kind_name(a->reset));
    cJSON_AddNumberToObject(o, "expert_seed", (double)a->expert_seed);
    cJSON_AddNumberToObject(o, "stroke_steps", (double)a->stroke_steps);
    cJSON_AddNumberToObject(o, "exec_noise", a->exec_noise);
    cJSON_AddNumberToObject(o, "success_rate", succ / n);
    cJSON_AddNumberToObject(o, "mean_max_reward", maxrew / n);
    cJSON_AddNumberToObject(o, "mean_length", all->n_steps / n);
    cJSON_AddNumberToObject(o, "seconds", seconds);
    cJSON_AddNumberToObject(o, "demos_per_minute", seconds > 0 ? 60 * n / seconds : 0);
    cJSON_AddNumberToObject(o, "cpu_seconds", cpu);
    cJSON_AddNumberToObject(o, "demos_per_cpu_minute", cpu > 0 ? 60 * n / cpu : 0);
    cJSON_AddNumberToObject(o, "ranks", P);
    cli_print_json(o);
}

int cmd_demos(int argc, char **argv) {
    DemosArgs a;
    int rc = demos_parse(argc, argv, &a);
    if (rc == -1) return 0; /* --help */
    if (rc != FC_OK) return rc;
    const int P = dist_world_size(), me = dist_world_rank(), kp = a.keypoints;
    if (dist_agree_status(me == 0 ? demos_check_output(a.out) : FC_OK, "flowchunk demos") != FC_OK) return FC_ERR;
    const int64_t N = a.episodes;
    fc_log("demos: %lld episodes, %s resets from seed %ld, expert seed %ld, max %ld steps, strokes of %ld steps, exec "
           "noise %g px, %d rank%s "
           "-> %s",
           (long long)N, pusht_reset_kind_name(a.reset), a.seed, a.expert_seed, a.max_steps, a.stroke_steps, a.exec_noise, P,
           P > 1 ? "s" : "", a.out);

    ExpertConfig ecfg;
    expert_config_default(&ecfg);
    ecfg.exec_noise = a.exec_noise;
    ecfg.stroke_steps = (int)a.stroke_steps;
    Expert *ex = expert_create(&ecfg);
    PushtEnv *env = pusht_create();
    const int T = (int)a.max_steps;
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
            ExpertOutcome o = expert_run_episode(ex, env, (uint64_t)(a.seed + i), a.reset, demos_expert_seed(&a, i), T,
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
    for (int r = 0; me == 0 && r < P; r++) cpu += cpus[r];
    free(cpus);
    expert_destroy(ex);
    pusht_destroy(env);
    free(st);
    free(ac);
    free(kps);
    free(send);
    rc = FC_OK;
    if (me == 0) {
        rc = demos_write(&a, &all);
        if (rc != FC_OK) fprintf(stderr, "flowchunk demos: error: %s\n", fc_last_error());
        else {
            fc_log("wrote %s: %lld episodes, %lld steps (mean length %.1f), success %lld/%lld, %.1f s (%.1f demos/min)",
                   a.out, (long long)all.n_episodes, (long long)all.n_steps, (double)all.n_steps / all.n_episodes,
                   (long long)n_success, (long long)all.n_episodes, seconds, 60 * all.n_episodes / seconds);
            if (a.json) demos_print_json(&a, &all, seconds, cpu, P);
        }
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

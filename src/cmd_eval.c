/* cmd_eval.c: `flowchunk eval CHECKPOINT.h5`: scores a checkpoint with batched Push-T rollouts
 * (rollout.h), MPI-parallel over episodes (eval_dist.h: each rank rolls out one contiguous share of
 * the episodes as one batch, rank 0 gathers the per-episode results), prints a summary on stderr and,
 * with --json, one JSON object on stdout. Every score is the mean over --noise-seeds draws of the
 * sampling noise (5 by default: one draw of 50 episodes moves by +-0.1), reported with its spread.
 * --gif renders chosen episodes of draw 0 on rank 0 (rollout_gif.h). */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/cli.h"
#include "flowchunk/dist.h"
#include "flowchunk/eval_dist.h"
#include "flowchunk/rollout.h"
#include "flowchunk/rollout_gif.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EVAL_MAX_GIF_EPISODES ROLLOUT_GIF_MAX_EPISODES
#define EVAL_DEFAULT_NOISE_SEEDS 5
#define EVAL_MAX_NOISE_SEEDS 1000

static const char *EVAL_USAGE =
    "usage: flowchunk eval CHECKPOINT.h5 [--episodes N] [--seed S] [--reset legacy|gym]\n"
    "                      [--max-steps 300] [--n-action-steps N] [--flow-steps K] [--noise-scale X]\n"
    "                      [--precision auto|fp32|bf16] [--raw]\n"
    "                      [--clip on|off] [--noise-seed S] [--noise-seeds K]\n"
    "                      [--gif OUT.gif [--gif-episodes 0,1,2] [--gif-size PX]] [--json]\n"
    "\n"
    "Score a checkpoint on Push-T. With no options it runs the protocol the checkpoint records (the\n"
    "one its training run scored with, so the score equals the run's logged evaluation of those\n"
    "weights); options change parts of it. Every episode starts from a seeded reset, the policy sees the\n"
    "checkpoint's observation (state or keypoints, its To frames, the first repeated at reset),\n"
    "predicts a chunk with Euler flow sampling, and Ta actions run open-loop before it observes\n"
    "again. An episode ends on success (coverage > 0.95) or after --max-steps env steps; the score\n"
    "is the mean over episodes of the episode's max reward. All episodes of a rank run as one batch\n"
    "(one policy call per decision for every env); under mpiexec the episodes are split over ranks\n"
    "and the result does not depend on the number of ranks. The sampling noise makes one such score\n"
    "move by about +-0.1 on 50 episodes, so every figure is the mean over K noise draws (the whole\n"
    "evaluation repeated with noise seeds S..S+K-1), printed with its spread over the draws.\n"
    "\n"
    "protocols:\n"
    "  --reset legacy   Diffusion Policy: numpy RandomState resets, seeds 100000.., 50 episodes,\n"
    "                   the checkpoint's Ta (8), no clipping  (default when the checkpoint records none)\n"
    "  --reset gym      CS 185/285 HW1 / gym-pusht: PCG64 resets, seeds 0.., 100 episodes, the\n"
    "                   whole chunk open-loop, actions clipped to [0,512]\n"
    "  held-out starts  --seed 200000 --episodes 500: legacy resets outside the 50 test seeds\n"
    "\n"
    "options:\n"
    "      --episodes N        episodes (default: the checkpoint's protocol; 50 legacy, 100 gym)\n"
    "      --seed S            first reset seed (default: the protocol's; 100000 legacy, 0 gym)\n"
    "      --reset KIND        legacy | gym (see above; default: the checkpoint's)\n"
    "      --max-steps N       env steps per episode (default: the protocol's, 300)\n"
    "      --n-action-steps N  actions executed per decision (default: see protocols)\n"
    "      --flow-steps K      Euler steps per sample (default: the checkpoint's)\n"
    "      --noise-scale X     start the Euler integration from X * N(0, I) instead of N(0, I): a\n"
    "                          sampling temperature, X < 1 is greedier (default 1)\n"
    "      --clip on|off       clip actions to [0,512] (default: off legacy, on gym)\n"
    "      --noise-seed S      first seed of the sampling noise (default: the protocol's, 0)\n"
    "      --noise-seeds K     noise draws to average over (default: the checkpoint's protocol, else 5;\n"
    "                          1 = a single draw)\n"
    "      --precision P       auto | fp32 | bf16: the policy's products (default: the checkpoint's, i.e. the\n"
    "                          precision its run trained and evaluated in; bf16 needs AVX512-BF16; auto =\n"
    "                          bf16 where the CPU has it). Both are batch-invariant\n"
    "      --raw               evaluate the raw weights instead of the EMA (when the EMA exists)\n"
    "      --gif OUT.gif       render episodes (goal, block, agent, action target) as an animated\n"
    "                          GIF at 10 frames/s; several episodes are tiled in a grid\n"
    "      --gif-episodes L    comma-separated episode indices for --gif (default 0); 'best' and\n"
    "                          'worst' name the episodes of the highest and lowest max reward\n"
    "      --gif-size PX       pixels per episode tile (default 256)\n"
    "      --json              print one JSON object on stdout\n"
    "  -h, --help              this help\n";

typedef struct {
    const char *ckpt;
    int episodes;        /* -1: protocol default */
    long long seed;      /* -1: protocol default */
    int reset;           /* PushtResetKind; -1: the checkpoint's */
    int max_steps;       /* -1: the protocol's */
    int n_action_steps;  /* -1: protocol default */
    int flow_steps;      /* -1: the checkpoint's */
    double noise_scale;  /* initial Euler noise scale (1) */
    int clip;            /* -1: protocol default */
    long long noise_seed; /* -1: the protocol's */
    int noise_seeds;     /* draws of the sampling noise: seeds noise_seed .. noise_seed+K-1; -1: the
                          * checkpoint's, else EVAL_DEFAULT_NOISE_SEEDS */
    int precision;       /* Precision of the products; -1: the checkpoint's protocol */
    int raw;
    const char *gif;
    int gif_ep[EVAL_MAX_GIF_EPISODES];
    int n_gif;
    int gif_size;
    int json;
} EvalArgs;

enum { EVAL_GIF_BEST = -1, EVAL_GIF_WORST = -2 };

/* "0,3,7" or "best,worst" -> indices (EVAL_GIF_BEST/WORST until the results are known);
 * FC_OK or FC_ERR_USAGE */
static int eval_parse_list(const char *s, EvalArgs *a) {
    a->n_gif = 0;
    const char *q = s;
    while (*q) {
        char *end = NULL;
        errno = 0;
        long v = strtol(q, &end, 10);
        if (end == q && (!strncmp(q, "best", 4) || !strncmp(q, "worst", 5))) {
            v = q[0] == 'b' ? EVAL_GIF_BEST : EVAL_GIF_WORST;
            end = (char *)q + (q[0] == 'b' ? 4 : 5);
        } else if (v < 0) {
            end = (char *)q; /* a negative index is a mistake, not a keyword */
        }
        if (end == q || errno || v < EVAL_GIF_WORST || v > 1000000 || (*end && *end != ',') || a->n_gif == EVAL_MAX_GIF_EPISODES)
            return cli_usage_error("eval", EVAL_USAGE,
                                   "--gif-episodes expects up to %d comma-separated episode indices, got '%s'",
                                   EVAL_MAX_GIF_EPISODES, s);
        a->gif_ep[a->n_gif++] = (int)v;
        q = *end ? end + 1 : end;
    }
    if (a->n_gif == 0) return cli_usage_error("eval", EVAL_USAGE, "--gif-episodes is empty");
    return FC_OK;
}

static int eval_parse(int argc, char **argv, EvalArgs *a) {
    enum { O_EPISODES = 1000, O_SEED, O_RESET, O_MAX_STEPS, O_NAS, O_FLOW, O_NSCALE, O_CLIP, O_NOISE, O_NOISES, O_RAW, O_GIF,
           O_GIF_EP, O_GIF_SIZE, O_JSON, O_PREC };
    static const struct option opts[] = {
        {"episodes", required_argument, 0, O_EPISODES}, {"seed", required_argument, 0, O_SEED},
        {"reset", required_argument, 0, O_RESET}, {"max-steps", required_argument, 0, O_MAX_STEPS},
        {"n-action-steps", required_argument, 0, O_NAS}, {"flow-steps", required_argument, 0, O_FLOW},
        {"noise-scale", required_argument, 0, O_NSCALE},
        {"clip", required_argument, 0, O_CLIP}, {"noise-seed", required_argument, 0, O_NOISE},
        {"noise-seeds", required_argument, 0, O_NOISES}, {"precision", required_argument, 0, O_PREC},
        {"raw", no_argument, 0, O_RAW}, {"gif", required_argument, 0, O_GIF},
        {"gif-episodes", required_argument, 0, O_GIF_EP}, {"gif-size", required_argument, 0, O_GIF_SIZE},
        {"json", no_argument, 0, O_JSON}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->episodes = a->n_action_steps = a->flow_steps = a->clip = -1;
    a->seed = a->noise_seed = -1;
    a->reset = a->max_steps = a->noise_seeds = a->precision = -1;
    a->gif_size = 256;
    a->n_gif = 1; /* episode 0 */
    a->noise_scale = 1.0;
    optind = 1;
    opterr = 0;
    long v;
    PushtResetKind kind = PUSHT_RESET_LEGACY;
    int rc = FC_OK;
    for (int c; rc == FC_OK && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
        switch (c) {
        case O_EPISODES: rc = cli_int("eval", "--episodes", optarg, 1, 1000000, &v); a->episodes = (int)v; break;
        case O_SEED: rc = cli_int("eval", "--seed", optarg, 0, 4294967295L, &v); a->seed = v; break;
        case O_RESET:
            if (pusht_reset_kind_parse(optarg, &kind) != 0)
                rc = cli_usage_error("eval", EVAL_USAGE, "--reset expects legacy or gym, got '%s'", optarg);
            a->reset = (int)kind;
            break;
        case O_MAX_STEPS: rc = cli_int("eval", "--max-steps", optarg, 1, 100000, &v); a->max_steps = (int)v; break;
        case O_NAS: rc = cli_int("eval", "--n-action-steps", optarg, 1, 100000, &v); a->n_action_steps = (int)v; break;
        case O_FLOW: rc = cli_int("eval", "--flow-steps", optarg, 1, 100000, &v); a->flow_steps = (int)v; break;
        case O_NSCALE: rc = cli_double("eval", "--noise-scale", optarg, 0.0, 10.0, &a->noise_scale); break;
        case O_CLIP:
            if (!strcmp(optarg, "on")) a->clip = 1;
            else if (!strcmp(optarg, "off")) a->clip = 0;
            else rc = cli_usage_error("eval", EVAL_USAGE, "--clip expects on or off, got '%s'", optarg);
            break;
        case O_NOISE: rc = cli_int("eval", "--noise-seed", optarg, 0, 0x7fffffffffffffffL, &v); a->noise_seed = v; break;
        case O_NOISES:
            rc = cli_int("eval", "--noise-seeds", optarg, 1, EVAL_MAX_NOISE_SEEDS, &v);
            a->noise_seeds = (int)v;
            break;
        case O_PREC: {
            Precision p;
            if (precision_parse(optarg, &p) != 0)
                rc = cli_usage_error("eval", EVAL_USAGE, "--precision expects auto, fp32 or bf16, got '%s'", optarg);
            a->precision = (int)p;
            break;
        }
        case O_RAW: a->raw = 1; break;
        case O_GIF: a->gif = optarg; break;
        case O_GIF_EP: rc = eval_parse_list(optarg, a); break;
        case O_GIF_SIZE: rc = cli_int("eval", "--gif-size", optarg, 32, 1024, &v); a->gif_size = (int)v; break;
        case O_JSON: a->json = 1; break;
        case 'h': fputs(EVAL_USAGE, stdout); return -1;
        default:
            return cli_usage_error("eval", EVAL_USAGE, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (rc != FC_OK) return FC_ERR_USAGE;
    if (optind != argc - 1)
        return cli_usage_error("eval", EVAL_USAGE, optind >= argc ? "missing CHECKPOINT.h5" : "expected one CHECKPOINT.h5");
    a->ckpt = argv[optind];
    return FC_OK;
}

/* the evaluation config of a checkpoint: the protocol it records (its training run's), or with
 * --reset another one, or the legacy one when it records none; then the overrides. FC_OK or FC_ERR */
static int eval_config(const EvalArgs *a, const CkptMeta *m, const Policy *p, EvalConfig *c) {
    const EvalConfig *rec = &m->protocol;
    int recorded = rec->episodes > 0;
    PushtResetKind reset = a->reset >= 0 ? (PushtResetKind)a->reset : recorded ? rec->reset : PUSHT_RESET_LEGACY;
    if (recorded && reset == rec->reset) *c = *rec;
    else rollout_config_protocol(c, reset, rec->obs_kind, rec->obs_steps, m->policy.horizon, rec->action_offset,
                                 rec->n_action_steps, rec->flow_steps);
    if (!recorded || reset != rec->reset) c->noise_seeds = EVAL_DEFAULT_NOISE_SEEDS;
    if (a->episodes > 0) c->episodes = a->episodes;
    if (a->seed >= 0) c->seed_first = (uint64_t)a->seed;
    if (a->max_steps > 0) c->max_steps = a->max_steps;
    if (a->n_action_steps > 0) c->n_action_steps = a->n_action_steps;
    if (a->flow_steps > 0) c->flow_steps = a->flow_steps;
    if (a->clip >= 0) c->clip_actions = a->clip;
    c->noise_scale = (float)a->noise_scale;
    if (a->noise_seed >= 0) c->noise_seed = (uint64_t)a->noise_seed;
    if (a->noise_seeds > 0) c->noise_seeds = a->noise_seeds;
    if (a->precision < 0) c->precision = rec->precision; /* also under another --reset */
    if (a->precision == PRECISION_AUTO) c->precision = gemm_bf16_supported() ? PRECISION_BF16 : PRECISION_FP32;
    else if (a->precision >= 0) c->precision = (Precision)a->precision;
    if (a->precision < 0 && c->precision == PRECISION_BF16 && !gemm_bf16_supported()) {
        c->precision = PRECISION_FP32; /* the recorded protocol cannot run here: close, not the same bits */
        if (dist_world_rank() == 0)
            fc_log("%s was evaluated in bf16 by its run; this CPU has no bf16 products: evaluating in fp32", a->ckpt);
    }
    c->seeds = NULL;
    if (rollout_config_check(c, p, &m->norm) != FC_OK) {
        char why[800];
        snprintf(why, sizeof why, "%s", fc_last_error());
        return fc_set_error("%s: %s", a->ckpt, why);
    }
    for (int i = 0; a->gif && i < a->n_gif; i++)
        if (a->gif_ep[i] >= c->episodes)
            return fc_set_error("--gif-episodes: episode %d does not exist (%d episodes)", a->gif_ep[i], c->episodes);
    if (a->gif && dist_world_rank() == 0) { /* fail before the rollouts, not after */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", a->gif);
        char *slash = strrchr(dir, '/');
        if (slash) *(slash == dir ? slash + 1 : slash) = 0;
        if (access(slash ? dir : ".", W_OK) != 0)
            return fc_set_error("cannot create %s: %s", a->gif, strerror(errno));
    }
    return FC_OK;
}

/* the episode of the highest (best) or lowest max reward; the first one on ties */
static int eval_pick(const EvalResult *all, int best) {
    int k = 0;
    for (int i = 1; i < all->episodes; i++)
        if (best ? all->ep[i].max_reward > all->ep[k].max_reward : all->ep[i].max_reward < all->ep[k].max_reward) k = i;
    return k;
}

/* --gif: resolves 'best'/'worst' against the evaluated episodes, then rollout_gif_write */
static int eval_gif(const EvalArgs *a, Policy *p, const Norm *norm, const EvalConfig *c, const EvalResult *all) {
    int ep[EVAL_MAX_GIF_EPISODES];
    for (int i = 0; i < a->n_gif; i++) {
        ep[i] = a->gif_ep[i];
        if (ep[i] >= 0) continue;
        ep[i] = eval_pick(all, a->gif_ep[i] == EVAL_GIF_BEST);
        fc_log("--gif-episodes: %s = episode %d (seed %llu, max reward %.3f)", a->gif_ep[i] == EVAL_GIF_BEST ? "best" : "worst",
               ep[i], (unsigned long long)all->ep[ep[i]].seed, all->ep[ep[i]].max_reward);
    }
    return rollout_gif_write(a->gif, p, norm, c, ep, a->n_gif, a->gif_size, all);
}

static void eval_add_spread(cJSON *o, const char *name, const double *v, int n) {
    char key[64];
    RolloutSpread s = rollout_spread(v, n);
    cJSON *arr = cJSON_AddArrayToObject(o, strcat(strcpy(key, "draw_"), name));
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, cJSON_CreateNumber(v[i]));
    snprintf(key, sizeof key, "%s_std", name);
    cJSON_AddNumberToObject(o, key, s.std);
    snprintf(key, sizeof key, "%s_min", name);
    cJSON_AddNumberToObject(o, key, s.min);
    snprintf(key, sizeof key, "%s_max", name);
    cJSON_AddNumberToObject(o, key, s.max);
}

/* r holds the K draws' episodes, draw-major; score_k / success_k the draws' figures */
static void eval_print_json(const EvalArgs *a, const CkptMeta *m, const EvalConfig *c, const EvalResult *r,
                            const double *score_k, const double *success_k, int use_ema) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "checkpoint", a->ckpt);
    cJSON_AddNumberToObject(o, "step", (double)m->step);
    cJSON_AddStringToObject(o, "weights", use_ema ? "ema" : "raw");
    cJSON_AddStringToObject(o, "policy", policy_kind_name(m->policy.kind));
    cJSON_AddNumberToObject(o, "score", r->score);
    cJSON_AddNumberToObject(o, "success_rate", r->success_rate);
    cJSON_AddNumberToObject(o, "mean_max_coverage", r->mean_coverage);
    cJSON_AddNumberToObject(o, "episodes", c->episodes);
    cJSON_AddNumberToObject(o, "noise_seeds", c->noise_seeds);
    eval_add_spread(o, "score", score_k, c->noise_seeds);
    eval_add_spread(o, "success_rate", success_k, c->noise_seeds);
    cJSON_AddNumberToObject(o, "env_steps", (double)r->env_steps);
    cJSON_AddNumberToObject(o, "decisions", (double)r->decisions);
    cJSON_AddNumberToObject(o, "rollouts_per_s", r->rollouts_per_s);
    cJSON_AddNumberToObject(o, "seconds", r->seconds);
    cJSON_AddNumberToObject(o, "cpu_seconds", r->cpu_seconds);
    cJSON_AddNumberToObject(o, "policy_seconds", r->policy_seconds);
    cJSON_AddNumberToObject(o, "sim_seconds", r->sim_seconds);
    cJSON_AddNumberToObject(o, "ranks", dist_world_size());
    cJSON_AddStringToObject(o, "reset", pusht_reset_kind_name(c->reset));
    cJSON_AddNumberToObject(o, "seed", (double)c->seed_first);
    cJSON_AddNumberToObject(o, "max_steps", c->max_steps);
    cJSON_AddStringToObject(o, "obs_kind", pusht_obs_kind_name(c->obs_kind));
    cJSON_AddNumberToObject(o, "obs_steps", c->obs_steps);
    cJSON_AddNumberToObject(o, "n_action_steps", c->n_action_steps);
    cJSON_AddNumberToObject(o, "action_offset", c->action_offset);
    cJSON_AddNumberToObject(o, "flow_steps", c->flow_steps);
    cJSON_AddNumberToObject(o, "noise_scale", c->noise_scale);
    cJSON_AddStringToObject(o, "precision", c->precision == PRECISION_BF16 ? "bf16" : "fp32");
    cJSON_AddBoolToObject(o, "clip_actions", c->clip_actions);
    cJSON_AddNumberToObject(o, "noise_seed", (double)c->noise_seed);
    cJSON *seeds = cJSON_AddArrayToObject(o, "seeds"), *mr = cJSON_AddArrayToObject(o, "max_reward");
    cJSON *mc = cJSON_AddArrayToObject(o, "max_coverage"), *su = cJSON_AddArrayToObject(o, "success");
    cJSON *st = cJSON_AddArrayToObject(o, "steps");
    for (int i = 0; i < r->episodes; i++) {
        cJSON_AddItemToArray(seeds, cJSON_CreateNumber((double)r->ep[i].seed));
        cJSON_AddItemToArray(mr, cJSON_CreateNumber(r->ep[i].max_reward));
        cJSON_AddItemToArray(mc, cJSON_CreateNumber(r->ep[i].max_coverage));
        cJSON_AddItemToArray(su, cJSON_CreateBool(r->ep[i].success));
        cJSON_AddItemToArray(st, cJSON_CreateNumber(r->ep[i].steps));
    }
    cli_print_json(o);
}

int cmd_eval(int argc, char **argv) {
    EvalArgs a;
    int rc = eval_parse(argc, argv, &a);
    if (rc == -1) return 0; /* --help */
    if (rc != FC_OK) return rc;

    /* every rank loads the checkpoint; a failure anywhere is reported once by the lowest rank */
    Policy p;
    CkptMeta m;
    EvalConfig c;
    rc = ckpt_load_policy(a.ckpt, &p, &m, !a.raw);
    int loaded = rc == FC_OK;
    if (rc == FC_OK) rc = eval_config(&a, &m, &p, &c);
    if (dist_agree_status(rc, NULL) != FC_OK) { /* main prints the lowest failing rank's message */
        if (loaded) policy_free(&p);
        return FC_ERR;
    }
    int use_ema = !a.raw && m.ema;
    int P = dist_world_size(), me = dist_world_rank();
    fc_log("eval %s (step %lld, %s weights, %s policy): %d episodes, %s resets from seed %llu, %d ranks", a.ckpt,
           (long long)m.step, use_ema ? "EMA" : "raw", policy_kind_name(m.policy.kind), c.episodes,
           pusht_reset_kind_name(c.reset), (unsigned long long)c.seed_first, P);
    fc_log("protocol: %s obs x %d frames, %d of %d actions per decision (from %d), %d flow steps, max %d steps%s",
           pusht_obs_kind_name(c.obs_kind), c.obs_steps, c.n_action_steps, m.policy.horizon, c.action_offset,
           c.flow_steps, c.max_steps, c.clip_actions ? ", actions clipped to [0,512]" : "");

    EvalDist d;
    eval_dist_run(&d, &p, &m.norm, &c, MPI_COMM_WORLD);
    int K = d.draws;
    rc = FC_OK;
    if (me == 0) {
        const EvalResult *all = &d.all;
        for (int k = 0; K > 1 && k < K; k++)
            fc_log("noise seed %llu: score %.4f  success %.2f", (unsigned long long)(c.noise_seed + (uint64_t)k),
                   d.score[k], d.success[k]);
        RolloutSpread ss = d.score_spread, su = d.success_spread;
        fc_log("score %.4f +- %.4f (min %.4f, max %.4f over %d noise draw(s))  success %.3f (min %.2f, max %.2f)  "
               "mean max coverage %.4f  %d episodes per draw, %lld env steps", ss.mean, ss.std, ss.min, ss.max, K,
               su.mean, su.min, su.max, all->mean_coverage, c.episodes, (long long)all->env_steps);
        double cpu = all->cpu_seconds > 0 ? all->cpu_seconds : 1.0;
        fc_log("%.2f rollouts/s (%.2f s wall on %d rank(s), %.2f CPU s: policy %.0f%%, simulator %.0f%%)",
               all->rollouts_per_s, all->seconds, P, all->cpu_seconds, 100 * all->policy_seconds / cpu,
               100 * all->sim_seconds / cpu);
        if (a.gif) rc = eval_gif(&a, &p, &m.norm, &c, &d.draw[0]); /* the GIF re-runs draw 0 */
        if (rc == FC_OK && a.json) eval_print_json(&a, &m, &c, all, d.score, d.success, use_ema); /* else main reports */
    }
    eval_dist_free(&d);
    policy_free(&p);
    return rc;
}

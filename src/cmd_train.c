/* cmd_train.c: `flowchunk train WINDOWS.h5 --run-dir DIR [options]`. World rank 0 parses the
 * command line (so a mistake is reported once) and broadcasts the config; train_run does the
 * rest on every rank. The same command runs one process or `mpirun -np P ... --eval-ranks E`. */
#include "commands.h"
#include "flowchunk/check.h"
#include "flowchunk/cli.h"
#include "flowchunk/dist.h"
#include "flowchunk/evalpool.h"
#include "flowchunk/train.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] = "usage: flowchunk train WINDOWS.h5 --run-dir DIR [--eval-ranks E] [options]  (--help)\n";

static void train_help(const TrainConfig *d) {
    printf("usage: flowchunk train WINDOWS.h5 --run-dir DIR [options]\n"
           "       mpirun -np P flowchunk train WINDOWS.h5 --run-dir DIR --eval-ranks E [options]\n\n"
           "Trains a flow-matching (or MSE) action-chunking policy on a windows file. World ranks 0..P-E-1\n"
           "train data-parallel (identical weights everywhere; trainers on one node sum gradients in a shared-\n"
           "memory window and shard the optimiser step, across nodes one allreduce per step); the last E\n"
           "ranks evaluate checkpoints with Push-T rollouts while training goes on. The global batch is\n"
           "fixed: it is --batch/--virtual-shards windows from every virtual shard, and a trainer computes the\n"
           "rows of the shards it owns, so losses do not depend on P.\n\n");
    printf("run:\n"
           "  --run-dir DIR          output directory (required): metrics.jsonl, ckpt/, latest.h5, best.h5,\n"
           "                         learning_curve.png, summary.json\n"
           "  --eval-ranks E         evaluator ranks (default %d; 0 = evaluate inline on trainer 0)\n"
           "  --resume               continue from DIR/latest.h5 (a new run if there is none yet): same world\n"
           "                         size = bit-identical continuation; other sizes = same batches, losses\n"
           "                         equal up to float summation order\n"
           "  --seed S               weights init, noise and shuffling (default %llu)\n",
           d->eval_ranks, (unsigned long long)d->seed);
    printf("model:\n"
           "  --policy flow|mse      flow matching (default) or direct chunk regression (baseline)\n"
           "  --hidden N             MLP width (default %d)\n"
           "  --depth N              hidden layers (default %d)\n"
           "  --act mish|relu|silu|gelu   activation (default %s)\n"
           "  --arch plain|residual  nn.Sequential, or pre-LayerNorm residual blocks around each hidden\n"
           "                         layer after the first (for deep nets; default %s)\n"
           "  --time raw|sin         time features: raw tau or sinusoidal embedding (default %s)\n"
           "  --n-freq N             sinusoidal features (even, default %d)\n",
           d->hidden, d->depth, mlp_activation_name(d->act), mlp_arch_name(d->arch), d->time_embed == TIME_RAW ? "raw" : "sin", d->n_freq);
    printf("optimisation:\n"
           "  --steps N              optimiser steps (default %lld; 0 = use --epochs)\n"
           "  --epochs N             passes over the windows instead of --steps\n"
           "  --batch B              GLOBAL batch, fixed whatever P is (default %d)\n"
           "  --virtual-shards V     data shards (default %d): B %% V == 0 and trainers <= V\n"
           "  --optim adamw|sgd      (default adamw, betas (%g, %g), eps %g)\n"
           "  --lr X                 peak learning rate (default %g; SGD: 1e-2 is typical)\n"
           "  --wd X                 weight decay (default %g, decoupled for AdamW)\n"
           "  --beta1 X / --beta2 X  AdamW betas;  --momentum X  SGD momentum (default 0.9)\n"
           "  --warmup N             linear warmup steps, then cosine decay to 0 at the last step (default %lld)\n"
           "  --min-lr-ratio X       floor of the cosine as a fraction of --lr (default 0)\n"
           "  --grad-clip X          clip the global gradient norm (default 0 = off)\n"
           "  --ema on|off           evaluate an EMA of the weights (Diffusion Policy's; default %s)\n"
           "  --reduce hierarchical|flat  hierarchical (default): the trainers of each node sum the gradient in\n"
           "                         one shared-memory window and shard the optimiser step; with several nodes\n"
           "                         trainer r of every node allreduces slice r across nodes (needs the same\n"
           "                         trainer count on every node, else flat). flat: one MPI_Allreduce of the\n"
           "                         whole gradient and the full optimiser step on every trainer\n"
           "  --precision auto|fp32|bf16  the matrix products of the step (default auto): bf16 = bf16 operands,\n"
           "                         fp32 accumulation (oneDNN; needs AVX512-BF16 or AMX); fp32 = the faster of\n"
           "                         OpenBLAS and oneDNN fp32; auto = the fastest of all, measured on the step's\n"
           "                         shapes at start-up (a resume keeps the checkpoint's). openblas, onednn-fp32\n"
           "                         or onednn-bf16 pin one back end (bit-reproducible reruns). Weights, gradients,\n"
           "                         AdamW, EMA and the reduction are fp32 in every mode. $FLOWCHUNK_PRECISION,\n"
           "                         when set, replaces the default\n",
           (long long)d->steps, d->batch, d->virtual_shards, d->optim.beta1, d->optim.beta2, d->optim.eps, d->optim.lr,
           d->optim.weight_decay, (long long)d->optim.warmup_steps, d->ema ? "on" : "off");
    printf("evaluation (the protocol and its settings are recorded in every checkpoint: `flowchunk eval CKPT`\n"
           "with no flags reproduces the run's own scores):\n"
           "  --eval-every N         evaluate every N steps (default %lld; 0 = only at the end with E > 0)\n"
           "  --eval-reset legacy|gym  protocol (default legacy): legacy = Diffusion Policy's (numpy RandomState\n"
           "                         resets from seed 100000, 50 episodes, Ta actions per decision); gym = CS 185\n"
           "                         HW1's (PCG64 resets from seed 0, 100 episodes, the whole chunk, actions\n"
           "                         clipped to [0,512]); as `flowchunk eval --reset`\n"
           "  --eval-episodes N      episodes per evaluation (default: the protocol's)\n"
           "  --eval-noise-seeds K   sampling-noise draws each evaluation averages, spread logged\n"
           "                         (default %d; `flowchunk eval` averages 5)\n"
           "  --eval-seed S          first reset seed, seeds S..S+N-1 (default: the protocol's)\n"
           "  --eval-max-steps N     env steps per episode (default %d)\n"
           "  --flow-steps N         Euler steps at inference (default %d)\n"
           "  --n-action-steps N     actions executed per chunk (default: the windows file's)\n",
           (long long)d->eval_every, d->eval_noise_seeds, d->eval_max_steps,
           d->flow_steps);
    printf("bookkeeping:\n"
           "  --ckpt-every N         checkpoint every N steps (default %lld; also at the end and on SIGTERM)\n"
           "  --keep K               step checkpoints kept in DIR/ckpt (default %d; 0 = all)\n"
           "  --log-every N          progress line / metrics.jsonl every N steps (default %lld)\n"
           "  --check-every N        assert identical weights on all trainers every N steps (default %lld; 0 off)\n"
           "  --watchdog-s S         end the job with an error naming the silent rank and host when no step\n"
           "                         finishes for max(S, 10 x the median step time) seconds: a frozen rank or a\n"
           "                         cut link otherwise hangs every rank (default %g; 0 = off)\n\n"
           "Preemption: SIGTERM or SIGUSR1 -> the trainers agree on a step, write a checkpoint and exit %d\n"
           "(requeue, then run the same command with --resume); a second signal exits at once.\n",
           (long long)d->ckpt_every, d->keep, (long long)d->log_every, (long long)d->check_every, d->watchdog_s,
           FC_EXIT_REQUEUE);
}

enum {
    O_RUN_DIR = 1000, O_EVAL_RANKS, O_RESUME, O_SEED, O_POLICY, O_HIDDEN, O_DEPTH, O_ACT, O_ARCH, O_TIME, O_NFREQ, O_STEPS,
    O_EPOCHS, O_BATCH, O_SHARDS, O_OPTIM, O_LR, O_WD, O_BETA1, O_BETA2, O_MOMENTUM, O_WARMUP, O_MINLR, O_CLIP, O_EMA,
    O_EVAL_EVERY, O_EVAL_EPISODES, O_EVAL_NOISE, O_EVAL_SEED, O_EVAL_MAX, O_EVAL_RESET, O_FLOW_STEPS, O_NACT, O_CKPT,
    O_KEEP, O_LOG, O_CHECK, O_WATCHDOG, O_REDUCE, O_PRECISION, O_HELP
};

static const struct option OPTIONS[] = {
    {"run-dir", required_argument, 0, O_RUN_DIR}, {"eval-ranks", required_argument, 0, O_EVAL_RANKS},
    {"resume", no_argument, 0, O_RESUME}, {"seed", required_argument, 0, O_SEED},
    {"policy", required_argument, 0, O_POLICY}, {"hidden", required_argument, 0, O_HIDDEN},
    {"depth", required_argument, 0, O_DEPTH}, {"act", required_argument, 0, O_ACT},
    {"arch", required_argument, 0, O_ARCH},
    {"time", required_argument, 0, O_TIME}, {"n-freq", required_argument, 0, O_NFREQ},
    {"steps", required_argument, 0, O_STEPS}, {"epochs", required_argument, 0, O_EPOCHS},
    {"batch", required_argument, 0, O_BATCH}, {"virtual-shards", required_argument, 0, O_SHARDS},
    {"optim", required_argument, 0, O_OPTIM}, {"lr", required_argument, 0, O_LR},
    {"wd", required_argument, 0, O_WD}, {"beta1", required_argument, 0, O_BETA1},
    {"beta2", required_argument, 0, O_BETA2}, {"momentum", required_argument, 0, O_MOMENTUM},
    {"warmup", required_argument, 0, O_WARMUP}, {"min-lr-ratio", required_argument, 0, O_MINLR},
    {"grad-clip", required_argument, 0, O_CLIP}, {"ema", required_argument, 0, O_EMA},
    {"eval-every", required_argument, 0, O_EVAL_EVERY},
    {"eval-episodes", required_argument, 0, O_EVAL_EPISODES}, {"eval-seed", required_argument, 0, O_EVAL_SEED},
    {"eval-noise-seeds", required_argument, 0, O_EVAL_NOISE},
    {"eval-max-steps", required_argument, 0, O_EVAL_MAX}, {"eval-reset", required_argument, 0, O_EVAL_RESET},
    {"flow-steps", required_argument, 0, O_FLOW_STEPS}, {"n-action-steps", required_argument, 0, O_NACT},
    {"ckpt-every", required_argument, 0, O_CKPT}, {"keep", required_argument, 0, O_KEEP},
    {"log-every", required_argument, 0, O_LOG}, {"check-every", required_argument, 0, O_CHECK},
    {"watchdog-s", required_argument, 0, O_WATCHDOG}, {"reduce", required_argument, 0, O_REDUCE},
    {"precision", required_argument, 0, O_PRECISION},
    {"help", no_argument, 0, O_HELP}, {0, 0, 0, 0}};

static int on_off(const char *opt, const char *s, int *out) {
    if (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "true")) *out = 1;
    else if (!strcmp(s, "off") || !strcmp(s, "0") || !strcmp(s, "false")) *out = 0;
    else return cli_usage_error("train", USAGE, "%s expects on or off, got '%s'", opt, s);
    return FC_OK;
}

#define INT_OPT(name, lo, hi, dst)                                                                                    \
    do {                                                                                                             \
        long v_;                                                                                                     \
        if (cli_int("train", name, optarg, lo, hi, &v_)) return FC_ERR_USAGE;                                        \
        dst = v_;                                                                                                    \
    } while (0)
#define DBL_OPT(name, lo, hi, dst)                                                                                    \
    do {                                                                                                             \
        double v_;                                                                                                   \
        if (cli_double("train", name, optarg, lo, hi, &v_)) return FC_ERR_USAGE;                                     \
        dst = (float)v_;                                                                                             \
    } while (0)

/* "flowchunk train ARGS" with shell quoting where an argument needs it, for DIR/run.json */
static void train_command_line(TrainConfig *c, int argc, char **argv) {
    size_t at = (size_t)snprintf(c->command, sizeof c->command, "flowchunk");
    for (int i = 0; i < argc && at < sizeof c->command; i++) {
        int plain = argv[i][0] != 0 && strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                       "-_./=:,+@%") == strlen(argv[i]);
        at += (size_t)snprintf(c->command + at, sizeof c->command - at, plain ? " %s" : " '%s'", argv[i]);
    }
}

/* parses argv into c; returns 0, FC_ERR_USAGE (printed), or -1 for --help (printed) */
static int train_parse(TrainConfig *c, int argc, char **argv) {
    train_config_default(c);
    const char *env_prec = getenv("FLOWCHUNK_PRECISION"); /* a site's or a test suite's default */
    if (env_prec && *env_prec && gemm_request_parse(env_prec, &c->precision, &c->gemm_pinned) != 0)
        return cli_usage_error("train", USAGE, "FLOWCHUNK_PRECISION expects what --precision does, got '%s'", env_prec);
    int lr_set = 0, epochs_set = 0, steps_set = 0;
    optind = 1;
    opterr = 0;
    int o;
    while ((o = getopt_long(argc, argv, ":", OPTIONS, NULL)) != -1) {
        switch (o) {
        case O_HELP: {
            TrainConfig d;
            train_config_default(&d);
            train_help(&d);
            return -1;
        }
        case O_RUN_DIR: snprintf(c->run_dir, sizeof c->run_dir, "%s", optarg); break;
        case O_EVAL_RANKS: INT_OPT("--eval-ranks", 0, 1 << 20, c->eval_ranks); break;
        case O_RESUME: c->resume = 1; break;
        case O_SEED: INT_OPT("--seed", 0, 0x7fffffffL, c->seed); break;
        case O_POLICY:
            if (policy_kind_parse(optarg, &c->policy) != 0)
                return cli_usage_error("train", USAGE, "--policy expects flow or mse, got '%s'", optarg);
            break;
        case O_HIDDEN: INT_OPT("--hidden", 1, 65536, c->hidden); break;
        case O_DEPTH: INT_OPT("--depth", 0, MLP_MAX_LAYERS - 1, c->depth); break;
        case O_ACT:
            if (mlp_activation_parse(optarg, &c->act) != 0)
                return cli_usage_error("train", USAGE, "--act expects mish, relu, silu or gelu, got '%s'", optarg);
            break;
        case O_ARCH:
            if (mlp_arch_parse(optarg, &c->arch) != 0)
                return cli_usage_error("train", USAGE, "--arch expects plain or residual, got '%s'", optarg);
            break;
        case O_TIME:
            if (!strcmp(optarg, "sin")) c->time_embed = TIME_SINUSOIDAL;
            else if (policy_time_embed_parse(optarg, &c->time_embed) != 0)
                return cli_usage_error("train", USAGE, "--time expects raw or sin, got '%s'", optarg);
            break;
        case O_NFREQ: INT_OPT("--n-freq", 2, 4096, c->n_freq); break;
        case O_STEPS: INT_OPT("--steps", 0, 1L << 40, c->steps); steps_set = 1; break;
        case O_EPOCHS: INT_OPT("--epochs", 1, 1L << 30, c->epochs); epochs_set = 1; break;
        case O_BATCH: INT_OPT("--batch", 1, 1 << 24, c->batch); break;
        case O_SHARDS: INT_OPT("--virtual-shards", 1, 1 << 16, c->virtual_shards); break;
        case O_OPTIM: {
            OptimKind k;
            if (optim_kind_parse(optarg, &k) != 0)
                return cli_usage_error("train", USAGE, "--optim expects adamw or sgd, got '%s'", optarg);
            if (k != c->optim.kind) {
                float lr = c->optim.lr;
                optim_config_default(&c->optim, k);
                if (lr_set) c->optim.lr = lr;
            }
            break;
        }
        case O_LR: DBL_OPT("--lr", 0, 1e30, c->optim.lr); lr_set = 1; break;
        case O_WD: DBL_OPT("--wd", 0, 10, c->optim.weight_decay); break;
        case O_BETA1: DBL_OPT("--beta1", 0, 0.999999, c->optim.beta1); break;
        case O_BETA2: DBL_OPT("--beta2", 0, 0.999999, c->optim.beta2); break;
        case O_MOMENTUM: DBL_OPT("--momentum", 0, 0.999999, c->optim.momentum); break;
        case O_WARMUP: INT_OPT("--warmup", 0, 1L << 40, c->optim.warmup_steps); break;
        case O_MINLR: DBL_OPT("--min-lr-ratio", 0, 1, c->optim.min_lr_ratio); break;
        case O_CLIP: DBL_OPT("--grad-clip", 0, 1e30, c->optim.grad_clip); break;
        case O_EMA: if (on_off("--ema", optarg, &c->ema)) return FC_ERR_USAGE; break;
        case O_PRECISION:
            if (gemm_request_parse(optarg, &c->precision, &c->gemm_pinned) != 0)
                return cli_usage_error("train", USAGE, "--precision expects auto, fp32, bf16, openblas, onednn-fp32 or "
                                       "onednn-bf16, got '%s'", optarg);
            break;
        case O_REDUCE:
            if (!strcmp(optarg, "hierarchical") || !strcmp(optarg, "hier")) c->reduce_flat = 0;
            else if (!strcmp(optarg, "flat")) c->reduce_flat = 1;
            else return cli_usage_error("train", USAGE, "--reduce expects hierarchical or flat, got '%s'", optarg);
            break;
        case O_EVAL_EVERY: INT_OPT("--eval-every", 0, 1L << 40, c->eval_every); break;
        case O_EVAL_EPISODES: INT_OPT("--eval-episodes", 1, 1 << 20, c->eval_episodes); break;
        case O_EVAL_NOISE: INT_OPT("--eval-noise-seeds", 1, EVALPOOL_MAX_DRAWS, c->eval_noise_seeds); break;
        case O_EVAL_SEED: INT_OPT("--eval-seed", 0, 0xffffffffL, c->eval_seed); break;
        case O_EVAL_MAX: INT_OPT("--eval-max-steps", 1, 1 << 20, c->eval_max_steps); break;
        case O_EVAL_RESET:
            if (pusht_reset_kind_parse(optarg, &c->eval_reset) != 0)
                return cli_usage_error("train", USAGE, "--eval-reset expects legacy or gym, got '%s'", optarg);
            break;
        case O_FLOW_STEPS: INT_OPT("--flow-steps", 1, 1 << 16, c->flow_steps); break;
        case O_NACT: INT_OPT("--n-action-steps", 1, 1 << 16, c->n_action_steps); break;
        case O_CKPT: INT_OPT("--ckpt-every", 0, 1L << 40, c->ckpt_every); break;
        case O_KEEP: INT_OPT("--keep", 0, 1 << 20, c->keep); break;
        case O_LOG: INT_OPT("--log-every", 1, 1L << 40, c->log_every); break;
        case O_CHECK: INT_OPT("--check-every", 0, 1L << 40, c->check_every); break;
        case O_WATCHDOG: {
            double v_;
            if (cli_double("train", "--watchdog-s", optarg, 0, 1e9, &v_)) return FC_ERR_USAGE;
            c->watchdog_s = v_;
            break;
        }
        case ':': return cli_usage_error("train", USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error("train", USAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_usage_error("train", USAGE, "missing the windows file (WINDOWS.h5)");
    if (optind + 1 < argc) return cli_usage_error("train", USAGE, "unexpected argument '%s'", argv[optind + 1]);
    snprintf(c->windows, sizeof c->windows, "%s", argv[optind]);
    train_command_line(c, argc, argv);
    if (!c->run_dir[0]) return cli_usage_error("train", USAGE, "--run-dir DIR is required");
    if (epochs_set && !steps_set) c->steps = 0;
    if (epochs_set && steps_set && c->steps > 0)
        return cli_usage_error("train", USAGE, "give --steps or --epochs, not both");
    if (!epochs_set && c->steps == 0) return cli_usage_error("train", USAGE, "--steps 0 needs --epochs N");
    if (c->time_embed == TIME_SINUSOIDAL && c->n_freq % 2)
        return cli_usage_error("train", USAGE, "--n-freq must be even, got %d", c->n_freq);
    return FC_OK;
}

int cmd_train(int argc, char **argv) {
    static TrainConfig c;
    int rc = 0;
    if (dist_world_rank() == 0) rc = train_parse(&c, argc, argv);
    dist_world_bcast(&rc, sizeof rc, 0); /* rank 0 already printed the mistake or the help */
    if (rc == -1) return 0;
    if (rc != 0) return rc;
    dist_world_bcast(&c, sizeof c, 0);
    return train_run(&c);
}

/* train.c: the training loop of `flowchunk train` (see train.h). Reads top to bottom:
 *   setup     roles (dist_split), run directory, loader (collective read of this trainer's
 *             shards), policy/optimiser/EMA, resume from DIR/latest.h5, weights broadcast from
 *             trainer 0. Setup errors are agreed over the world: reported once, every rank exits.
 *   loop      batch -> flow-matching loss and gradient (scaled by 1/B) -> arrival exchange (a
 *             barrier, timed: the wait for the slower trainer; it shows the step watchdog who is
 *             missing) -> the gradient sum (hierarchical: each node's shared-memory window, then
 *             slices across nodes; or one flat allreduce) -> AdamW/SGD step (sharded per node)
 *             -> NaN guard on its gradient norm -> EMA; periodic weight checksums,
 *             evaluation hand-offs, checkpoints, progress. A small second allreduce carries the
 *             loss and the preemption flag, so all trainers stop at the same step. A watchdog
 *             thread ends the job, naming the silent rank, when no step finishes in time.
 *   finish    final checkpoint, final evaluation, pool shutdown, learning curve, summary.json.
 * DIR/report.html (report.h) is rewritten after every evaluation and at the end.
 * Noise is keyed by (seed, step, global slot) and batches by the loader's global position, so the
 * losses do not depend on the number of ranks, and a resume at the same world size continues
 * bit for bit. */
#include "flowchunk/train.h"
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/dist.h"
#include "flowchunk/evalpool.h"
#include "flowchunk/loader.h"
#include "flowchunk/rollout.h"
#include "flowchunk/watchdog.h"
#include "progress.h"
#include "report.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void train_config_default(TrainConfig *c) {
    memset(c, 0, sizeof *c);
    c->eval_ranks = 0;
    c->policy = POLICY_FLOW;
    /* the recipe (README "Results"): residual 5 x 512, 40,000 steps */
    c->hidden = 512;
    c->depth = 5;
    c->arch = MLP_RESIDUAL;
    c->act = MLP_MISH;
    c->time_embed = TIME_SINUSOIDAL;
    c->n_freq = 32;
    optim_config_default(&c->optim, OPTIM_ADAMW);
    c->optim.lr = 1e-3f;
    c->steps = 40000;
    c->epochs = 0;
    c->batch = 256;
    c->virtual_shards = LOADER_DEFAULT_SHARDS;
    c->ema = 1;
    c->seed = 0;
    c->overlap = 0;
    c->eval_every = 2000;
    c->eval_episodes = 50;
    c->eval_noise_seeds = 2;
    c->eval_seed = 100000;
    c->eval_max_steps = 300;
    c->eval_reset = PUSHT_RESET_LEGACY;
    c->flow_steps = 10;
    c->n_action_steps = 0;
    c->ckpt_every = 2000;
    c->keep = 3;
    c->log_every = 100;
    c->check_every = 1000;
    c->resume = 0;
    c->watchdog_s = WATCHDOG_DEFAULT_S;
}

/* ---- preemption signals -------------------------------------------------------------------- */

static volatile sig_atomic_t train_signals = 0;

/* first SIGTERM/SIGUSR1: ask for a checkpoint and exit 3; second: leave now */
static void train_on_signal(int sig) {
    train_signals++;
    if (train_signals >= 2) {
        static const char msg[] = "flowchunk: second signal: exiting now without a checkpoint\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        _exit(128 + sig);
    }
}

static void train_install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = train_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

/* ---- what every rank learns from the windows file (trainer 0 broadcasts it) ---------------- */

typedef struct {
    Norm norm;
    int obs_kind;             /* WindowObsKind */
    int obs_steps, horizon, act_dim, file_n_action_steps;
    int pad;                  /* WindowPad */
    int batch_rows_min, batch_rows_max;
    int64_t n_windows, n_val, steps_per_epoch;
    uint64_t fingerprint;
} DataInfo;

typedef struct {
    const TrainConfig *cfg;
    DistRoles roles;
    int is_t0;                /* trainer 0 = world rank 0 */
    DataInfo info;
    PolicyConfig pc;
    EvalConfig ec;
    int eval_on;              /* any evaluation at all */
    Loader L;
    Policy p;
    Optim opt;
    float *ema;               /* (n) or NULL */
    size_t n;
    int64_t step, total_steps;
    double best_score, best_success;
    int64_t best_step;
    double last_score, last_success;
    int64_t last_score_step;
    int64_t last_ckpt_step;
    int64_t last_eval_submitted;
    int64_t signal_step, diverge_step; /* test hooks (FC_TEST_SIGNAL_AT_STEP, FC_TEST_DIVERGE_STEP) */
    int64_t freeze_step;      /* test hook: FC_TEST_FREEZE_AT_STEP on world rank FC_TEST_FREEZE_RANK */
    Watchdog wd;              /* the step watchdog (trainers, more than one) */
    DistTopology topo;        /* nodes and trainers per node */
    Policy evalp;             /* trainer 0, E = 0: inline evaluation */
    EvalPool pool;            /* trainer 0, E > 0 */
    int evalp_ready, pool_ready, model_ready, loader_ready; /* what train_free must release */
    Progress pr;
    float *obs, *act;
    uint64_t *slot;
    /* statistics */
    double loss_acc, step_ms_acc, reduce_ms_acc, wait_ms_acc, max_step_ms;
    int64_t acc_steps;        /* steps in loss_acc, counting those carried over a resume */
    int64_t carried_steps;    /* of those, run before the resume (not in the timing sums) */
    int log_regular;          /* this step logs by --log-every (else its window stays open) */
    double t_log;
    double t_train_start;
    double reduce_s_total, wait_s_total, step_s_total;
    double compute_cpu_s_total; /* thread CPU time outside the reduction (what a dedicated core needs) */
    int64_t steps_run;
    double last_loss;
    float last_gnorm, last_lr;
    DistReduce reduce;        /* --overlap on: the per-layer reductions of this step */
    DistShm *shm;             /* the node-local shared-memory reduction, NULL when not used */
    double reduce_gather_s;   /* this step's weight gather through the window */
    double report_s;          /* wall time spent rewriting DIR/report.html */
} Trainer;

/* ---- small helpers ------------------------------------------------------------------------- */

static int train_mkdir(const char *path) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return FC_OK;
    }
    return fc_set_error("--run-dir: cannot create directory '%s': %s", path, strerror(errno));
}

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* every trainer stops here on an error all trainers detected at once: trainer 0 reports it and
 * brings the job down; the others wait for that */
static void train_fail_collective(const Trainer *t, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void train_fail_collective(const Trainer *t, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t->roles.trainer_rank == 0) fc_die("%s", msg);
    /* trainer 0's MPI_Abort ends us long before this; signals (mpirun's SIGTERM) cut naps short */
    double end = progress_now() + 60;
    while (progress_now() < end) sleep(1);
    fc_die("%s", msg);
}

/* ---- setup --------------------------------------------------------------------------------- */

/* checks that need no file: role counts, batch divisibility; the same answer on every rank */
static int train_check_config(const TrainConfig *c, const DistRoles *r) {
    if (c->virtual_shards < 1) return fc_set_error("--virtual-shards must be >= 1");
    if (r->n_trainers > c->virtual_shards)
        return fc_set_error("%d trainer ranks but only %d virtual shards: every trainer needs at least one shard "
                            "(use --virtual-shards %d or more, or fewer ranks)",
                            r->n_trainers, c->virtual_shards, r->n_trainers);
    if (c->batch % c->virtual_shards != 0)
        return fc_set_error("--batch %d is not a multiple of --virtual-shards %d (each step draws batch/shards windows "
                            "from every virtual shard)",
                            c->batch, c->virtual_shards);
    if (c->arch == MLP_RESIDUAL && c->depth < 1)
        return fc_set_error("--arch residual needs --depth >= 1 (the input layer; depth-1 residual blocks follow)");
    if (c->arch == MLP_RESIDUAL && c->overlap)
        return fc_set_error("--overlap on reduces per Linear layer and supports only --arch plain");
    return FC_OK;
}

/* the run directory (trainer 0): DIR and DIR/ckpt exist; a finished or running run is not
 * overwritten by accident */
static int train_prepare_dir(const TrainConfig *c) {
    char sub[4200], latest[4200];
    if (train_mkdir(c->run_dir) != FC_OK) return FC_ERR;
    snprintf(sub, sizeof sub, "%s/ckpt", c->run_dir);
    if (train_mkdir(sub) != FC_OK) return FC_ERR;
    snprintf(latest, sizeof latest, "%s/latest.h5", c->run_dir);
    if (!c->resume && file_exists(latest))
        return fc_set_error("%s already holds a run (latest.h5): pass --resume to continue it, or use another --run-dir",
                            c->run_dir);
    return FC_OK;
}

static void train_data_info(Trainer *t) {
    const Loader *L = &t->L;
    DataInfo *d = &t->info;
    memset(d, 0, sizeof *d);
    d->norm = L->norm;
    d->obs_kind = (int)L->spec.obs_kind;
    d->obs_steps = L->spec.obs_steps;
    d->horizon = L->spec.horizon;
    d->act_dim = L->norm.act_dim;
    d->file_n_action_steps = L->spec.n_action_steps;
    d->pad = (int)L->spec.pad;
    d->n_windows = L->n_rows;
    d->n_val = L->n_val;
    d->steps_per_epoch = L->steps_per_epoch;
    d->fingerprint = loader_fingerprint(L);
    d->batch_rows_max = dist_allreduce_max_int(L->batch_rows);
    d->batch_rows_min = -dist_allreduce_max_int(-L->batch_rows);
}

static void train_policy_and_eval_config(Trainer *t) {
    const TrainConfig *c = t->cfg;
    const DataInfo *d = &t->info;
    PolicyConfig *pc = &t->pc;
    policy_config_default(pc);
    pc->kind = c->policy;
    pc->obs_dim = d->obs_steps * d->norm.obs_dim;
    pc->horizon = d->horizon;
    pc->act_dim = d->act_dim;
    pc->time_embed = c->time_embed;
    pc->n_freq = c->n_freq;
    pc->hidden = c->hidden;
    pc->depth = c->depth;
    pc->arch = c->arch;
    pc->act = c->act;
    EvalConfig *ec = &t->ec;
    rollout_config_dp(ec);
    ec->reset = c->eval_reset;
    ec->seed_first = c->eval_seed;
    ec->episodes = c->eval_episodes;
    ec->noise_seeds = c->eval_noise_seeds;
    ec->max_steps = c->eval_max_steps;
    ec->obs_kind = d->obs_kind == WINDOW_OBS_KEYPOINTS ? ROLLOUT_OBS_KEYPOINTS : ROLLOUT_OBS_STATE;
    ec->obs_steps = d->obs_steps;
    ec->action_offset = d->obs_steps - 1; /* chunks start at the oldest observed frame (window.h) */
    ec->n_action_steps = c->n_action_steps > 0 ? c->n_action_steps : d->file_n_action_steps;
    if (ec->n_action_steps > d->horizon - ec->action_offset) ec->n_action_steps = d->horizon - ec->action_offset;
    ec->flow_steps = c->flow_steps;
    t->eval_on = c->eval_ranks > 0 || c->eval_every > 0;
}

#define TRAIN_PRECISION "fp32" /* weights, gradients, optimiser state and the reduction */

/* the gradient reduction in use, as summary.json, metrics and checkpoints record it */
static const char *train_reduction_name(const Trainer *t) {
    if (t->roles.n_trainers < 2) return "none";
    if (t->cfg->overlap) return "per-layer";
    if (t->shm) return dist_shm_nodes(t->shm) > 1 ? "hierarchical" : "shared-memory";
    return "flat";
}

static void train_fill_meta(const Trainer *t, CkptMeta *m, int64_t step) {
    const TrainConfig *c = t->cfg;
    memset(m, 0, sizeof *m);
    m->policy = t->pc;
    m->norm = t->info.norm;
    snprintf(m->obs_kind, sizeof m->obs_kind, "%s", window_obs_kind_name((WindowObsKind)t->info.obs_kind));
    m->obs_steps = t->info.obs_steps;
    m->n_action_steps = t->ec.n_action_steps;
    m->action_offset = t->ec.action_offset;
    m->flow_steps = c->flow_steps;
    snprintf(m->pad, sizeof m->pad, "%s", window_pad_name((WindowPad)t->info.pad));
    snprintf(m->windows, sizeof m->windows, "%s", c->windows);
    m->optim = t->opt.cfg;
    m->ema = t->ema != NULL;
    m->batch = c->batch;
    m->virtual_shards = c->virtual_shards;
    m->n_trainers = t->roles.n_trainers;
    m->nodes = t->topo.nodes;
    snprintf(m->trainers_per_node, sizeof m->trainers_per_node, "%s", t->topo.trainers_per_node);
    snprintf(m->reduction, sizeof m->reduction, "%s", train_reduction_name(t));
    snprintf(m->precision, sizeof m->precision, "%s", TRAIN_PRECISION);
    m->seed = c->seed;
    m->total_steps = t->total_steps;
    m->step = step;
    LoaderPos pos = loader_state(&t->L);
    m->epoch = pos.epoch;
    m->epoch_step = pos.step;
    m->loader_fingerprint = t->info.fingerprint;
    m->n_windows = t->info.n_windows;
    m->best_score = t->best_score;
    m->best_success_rate = t->best_success;
    m->best_step = t->best_step;
    m->log_loss_sum = t->log_regular ? 0 : t->loss_acc; /* the metrics window a resume continues */
    m->log_steps = t->log_regular ? 0 : t->acc_steps;
}

/* trainer 0: read DIR/latest.h5 into the live state; the others get it by broadcast */
static int train_resume_read(Trainer *t, const char *path) {
    CkptMeta m;
    if (ckpt_read_meta(path, &m) != FC_OK) return FC_ERR;
    const PolicyConfig *a = &m.policy, *b = &t->pc;
    if (a->kind != b->kind || a->obs_dim != b->obs_dim || a->horizon != b->horizon || a->hidden != b->hidden ||
        a->depth != b->depth || a->act != b->act || a->time_embed != b->time_embed || a->arch != b->arch ||
        (a->time_embed == TIME_SINUSOIDAL && a->n_freq != b->n_freq))
        return fc_set_error("%s: cannot resume: the checkpoint's policy (%s, %d x %d %s %s, time %s) differs from this "
                            "command line's (%s, %d x %d %s %s, time %s)",
                            path, policy_kind_name(a->kind), a->depth, a->hidden, mlp_activation_name(a->act),
                            mlp_arch_name(a->arch), policy_time_embed_name(a->time_embed), policy_kind_name(b->kind),
                            b->depth, b->hidden, mlp_activation_name(b->act), mlp_arch_name(b->arch),
                            policy_time_embed_name(b->time_embed));
    if (m.optim.kind != t->opt.cfg.kind)
        return fc_set_error("%s: cannot resume: optimiser %s in the checkpoint, --optim %s given", path,
                            optim_kind_name(m.optim.kind), optim_kind_name(t->opt.cfg.kind));
    if (m.loader_fingerprint != t->info.fingerprint)
        return fc_set_error("%s: cannot resume: the windows file, --batch, --virtual-shards or --seed differ from the "
                            "run that wrote the checkpoint (batch %d, %d shards, seed %llu)",
                            path, m.batch, m.virtual_shards, (unsigned long long)m.seed);
    if (m.ema != (t->ema != NULL))
        return fc_set_error("%s: cannot resume: the checkpoint was trained with --ema %s", path, m.ema ? "on" : "off");
    if (ckpt_load_train(path, &t->p, t->p.net.params, t->ema, &t->opt) != FC_OK) return FC_ERR;
    if (t->opt.step != m.step) return fc_set_error("%s: optimiser step %lld differs from the step attribute %lld", path,
                                                   (long long)t->opt.step, (long long)m.step);
    LoaderPos pos = {m.epoch, m.epoch_step};
    if (loader_restore(&t->L, pos) != FC_OK) return FC_ERR;
    t->step = m.step;
    t->best_score = m.best_score;
    t->best_success = m.best_success_rate;
    t->best_step = m.best_step;
    t->last_ckpt_step = m.step;
    t->loss_acc = m.log_loss_sum; /* the first metrics line after the resume averages the same steps */
    t->acc_steps = t->carried_steps = m.log_steps;
    fc_log("resumed from step %lld (epoch %lld) of %s", (long long)m.step, (long long)m.epoch, path);
    if (m.n_trainers != t->roles.n_trainers)
        fc_log("resume: the checkpoint was written by %d trainer ranks, this job has %d: same batches, losses equal up to "
               "float summation order",
               m.n_trainers, t->roles.n_trainers);
    return FC_OK;
}

/* ---- checkpoints (trainer 0) --------------------------------------------------------------- */

static void train_ckpt_path(const Trainer *t, int64_t step, char *out, size_t n) {
    snprintf(out, n, "%s/ckpt/step_%07lld.h5", t->cfg->run_dir, (long long)step);
}

/* removes the oldest DIR/ckpt/step_*.h5 beyond --keep */
static void train_prune_ckpts(const Trainer *t) {
    if (t->cfg->keep <= 0) return;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/ckpt", t->cfg->run_dir);
    DIR *d = opendir(dir);
    if (!d) return;
    long long steps[4096];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 4096) {
        long long s;
        char tail[8];
        if (sscanf(e->d_name, "step_%lld.%7s", &s, tail) == 2 && strcmp(tail, "h5") == 0) steps[n++] = s;
    }
    closedir(d);
    while (n > t->cfg->keep) {
        int oldest = 0;
        for (int i = 1; i < n; i++)
            if (steps[i] < steps[oldest]) oldest = i;
        char path[4300];
        train_ckpt_path(t, steps[oldest], path, sizeof path);
        unlink(path);
        steps[oldest] = steps[--n];
    }
}

/* DIR/ckpt/step_XXXXXXX.h5 and DIR/latest.h5 (a hard link to it, replaced atomically) */
static void train_write_ckpt(Trainer *t) {
    CkptMeta m;
    train_fill_meta(t, &m, t->step);
    CkptTensors ts = {t->p.net.params, t->ema, &t->opt};
    char path[4300], latest[4200], tmp[4300];
    train_ckpt_path(t, t->step, path, sizeof path);
    if (ckpt_write(path, &m, &t->p, &ts) != FC_OK) fc_die("checkpoint: %s", fc_last_error());
    snprintf(latest, sizeof latest, "%s/latest.h5", t->cfg->run_dir);
    snprintf(tmp, sizeof tmp, "%s.link.%ld", latest, (long)getpid());
    unlink(tmp);
    if (link(path, tmp) != 0 || rename(tmp, latest) != 0) {
        unlink(tmp); /* no hard links here: a second copy */
        if (ckpt_write(latest, &m, &t->p, &ts) != FC_OK) fc_die("checkpoint: %s", fc_last_error());
    }
    t->last_ckpt_step = t->step;
    train_prune_ckpts(t);
}

/* DIR/best.h5: the evaluated weights of `step` (live + EMA), evaluation only (no optimiser) */
static void train_write_best(Trainer *t, int64_t step, const float *params, const float *ema) {
    CkptMeta m;
    train_fill_meta(t, &m, step);
    CkptTensors ts = {params, ema, NULL};
    char path[4200];
    snprintf(path, sizeof path, "%s/best.h5", t->cfg->run_dir);
    if (ckpt_write(path, &m, &t->p, &ts) != FC_OK) fc_die("best checkpoint: %s", fc_last_error());
}

/* ---- evaluation (trainer 0) ---------------------------------------------------------------- */

static void train_on_report(Trainer *t, const EvalReport *r) {
    ProgressEval e = {r->step, r->kind == EVAL_FINAL ? "final" : "periodic", r->episodes, r->score, r->success_rate,
                      r->mean_coverage, r->rollouts_per_s, r->seconds, r->skipped, t->step, r->noise_seeds,
                      r->score_std, r->score_min, r->score_max, r->success_min, r->success_max};
    progress_eval(&t->pr, &e);
    t->last_score = r->score;
    t->last_success = r->success_rate;
    t->last_score_step = r->step;
    if (r->score > t->best_score) {
        const float *params = NULL, *ema = NULL;
        if (t->cfg->eval_ranks > 0) {
            FC_CHECK(evalpool_weights(&t->pool, r->step, &params, &ema), "no weights kept for evaluated step %lld",
                     (long long)r->step);
        } else {
            params = t->p.net.params; /* inline evaluations run on the current weights */
            ema = t->ema;
        }
        t->best_score = r->score;
        t->best_success = r->success_rate;
        t->best_step = r->step;
        train_write_best(t, r->step, params, ema);
    }
    if (t->cfg->eval_ranks > 0) evalpool_release(&t->pool, r->step);
    t->report_s += report_refresh(t->cfg->run_dir);
}

static void train_poll_pool(Trainer *t) {
    EvalReport r;
    while (evalpool_poll(&t->pool, &r)) train_on_report(t, &r);
}

/* trainer 0, at each evaluation: the flow-matching loss of the live weights on (up to
 * TRAIN_VAL_MAX of) the validation windows, with the same noise every time (key seed ^ VAL, step
 * 0, slot = window), so the curve compares the weights and nothing else (llm.c's val loss) */
#define TRAIN_VAL_MAX 4096
static void train_log_val_loss(Trainer *t) {
    const Loader *L = &t->L;
    int64_t n = L->n_val < TRAIN_VAL_MAX ? L->n_val : TRAIN_VAL_MAX;
    if (n <= 0) return;
    uint64_t slot[256], key = t->cfg->seed ^ 0x76616c5f6c6f7373ULL; /* "val_loss" */
    double sum = 0;
    for (int64_t i0 = 0; i0 < n; i0 += 256) {
        int B = n - i0 < 256 ? (int)(n - i0) : 256;
        for (int j = 0; j < B; j++) slot[j] = (uint64_t)(i0 + j);
        sum += policy_loss(&t->p, L->val_obs + i0 * L->obs_row, L->val_act + i0 * L->act_row, B, key, 0, slot);
    }
    progress_val(&t->pr, t->step, sum / (double)n, n);
}

/* hands the current weights to the pool, or evaluates them inline (E = 0) */
static void train_evaluate(Trainer *t, EvalKind kind) {
    if (t->last_eval_submitted == t->step) return;
    t->last_eval_submitted = t->step;
    if (t->cfg->eval_ranks > 0) {
        if (kind == EVAL_FINAL) {
            while (!evalpool_submit(&t->pool, t->step, kind, t->p.net.params, t->ema)) {
                train_poll_pool(t);
                usleep(2000);
            }
        } else if (!evalpool_submit(&t->pool, t->step, kind, t->p.net.params, t->ema) &&
                   t->pool.busy_skips % 10 == 1) {
            progress_note(&t->pr, "eval pool busy with %d hand-offs: not evaluating step %lld (%lld such skips so "
                                  "far; raise --eval-every or --eval-ranks)",
                          EVALPOOL_SLOTS, (long long)t->step, (long long)t->pool.busy_skips);
        }
        return;
    }
    EvalReport r;
    evalpool_run_inline(&t->evalp, t->ema ? t->ema : t->p.net.params, &t->info.norm, &t->ec, t->step, kind, &r);
    train_on_report(t, &r);
}

/* ---- one training step --------------------------------------------------------------------- */

/* --overlap on: mlp_backward's grad_ready hook starts the in-place reduction of layer l's
 * weight + bias gradient (contiguous) the moment backward has finished it, and lets MPI progress
 * the ones already started (Open MPI moves non-blocking collectives only inside MPI calls) */
static void train_layer_grad_ready(void *ctx, int l) {
    Trainer *t = ctx;
    Mlp *m = &t->p.net;
    const MlpTensor *w = &m->tensors[2 * l];
    dist_reduce_start(&t->reduce, m->grads + w->offset, w->size + m->tensors[2 * l + 1].size);
    dist_reduce_test(&t->reduce);
}

/* sums the gradient over trainers on several nodes: one flat allreduce, or completes the
 * per-layer reductions backward started (--overlap on); one node uses the sharded step instead */
static void train_reduce_grads(Trainer *t) {
    Mlp *m = &t->p.net;
    if (t->cfg->overlap) dist_reduce_wait(&t->reduce);
    else dist_allreduce_sum(m->grads, m->n_params);
}

/* sharded step: every trainer completes its EMA and optimiser state from the others' slices
 * before anything reads them whole (weight check, evaluation, checkpoint); collective */
static void train_gather_state(Trainer *t) {
    if (t->ema) dist_shm_allgather(t->shm, t->ema);
    dist_shm_allgather(t->shm, t->opt.m);
    if (t->opt.v) dist_shm_allgather(t->shm, t->opt.v);
}

/* weights must agree bit for bit across trainers */
static void train_check_weights(Trainer *t) {
    uint64_t h = ckpt_hash_floats(t->p.net.params, t->n);
    if (t->ema) h ^= ckpt_hash_floats(t->ema, t->n) * 0x9E3779B97F4A7C15ULL;
    if (!dist_all_equal_u64(h))
        train_fail_collective(t, "the weights diverged across trainer ranks at step %lld (checksum mismatch): "
                                 "non-deterministic reduction or memory corruption",
                              (long long)t->step);
}

/* test hook: FC_TEST_DIVERGE_STEP=N makes trainer 1 nudge one weight at step N (the checksum
 * test proves divergence is caught) */
static int64_t train_diverge_step(void) {
    const char *s = getenv("FC_TEST_DIVERGE_STEP");
    return s ? atoll(s) : -1;
}

/* test hook: FC_TEST_SIGNAL_AT_STEP=N makes trainer 0 send itself SIGTERM at step N (the
 * resume test then knows where the preemption happens; only one rank sees the signal) */
static int64_t train_signal_step(void) {
    const char *s = getenv("FC_TEST_SIGNAL_AT_STEP");
    return s ? atoll(s) : -1;
}

/* test hook: FC_TEST_FREEZE_AT_STEP=N with FC_TEST_FREEZE_RANK=R makes world rank R stop itself
 * (SIGSTOP) at step N, a frozen rank for the watchdog test */
static int64_t train_freeze_step(void) {
    const char *s = getenv("FC_TEST_FREEZE_AT_STEP"), *r = getenv("FC_TEST_FREEZE_RANK");
    return s && r && atoi(r) == dist_world_rank() ? atoll(s) : -1;
}

/* CPU seconds of this thread: on a shared node wall time also counts other jobs' time slices */
static double train_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* returns 1 when the trainers agreed to stop (preemption) after this step */
static int train_step(Trainer *t) {
    const TrainConfig *c = t->cfg;
    Mlp *m = &t->p.net;
    double t0 = progress_now(), c0 = train_cpu_now();
    if (t->step == t->signal_step && t->is_t0) raise(SIGTERM);
    if (t->step == t->freeze_step) raise(SIGSTOP); /* stays stopped: the watchdog must end the job */
    loader_next(&t->L, t->obs, t->act, t->slot);
    mlp_zero_grad(m);
    dist_reduce_reset(&t->reduce);
    float loss_sum = policy_loss_grad(&t->p, t->obs, t->act, t->L.batch_rows, c->seed, (uint64_t)t->step, t->slot,
                                      1.0f / (float)c->batch);
    double t1 = progress_now(), c1 = train_cpu_now();
    /* the arrival exchange first splits the reduction's time into waiting for the slowest trainer
     * (load imbalance, a slower or shared core) and moving the bytes, and tells the watchdog who
     * is missing when a trainer never arrives; it costs microseconds. With --overlap on the
     * reductions have already started inside backward. */
    dist_arrive(t->step);
    double t1w = progress_now();
    size_t lo = 0, hi = t->n; /* the slice of the optimiser state this trainer updates */
    if (t->shm) {
        dist_shm_reduce_slice(t->shm);
        dist_shm_slice(t->shm, &lo, &hi);
    } else {
        train_reduce_grads(t);
    }
    float extra[2] = {loss_sum, train_signals > 0 ? 1.0f : 0.0f};
    dist_allreduce_sum(extra, 2);
    double t2 = progress_now(), c2 = train_cpu_now();
    float loss = extra[0] / (float)c->batch;
    t->last_lr = optim_lr(&t->opt, t->opt.step);
    if (t->shm) {
        /* sharded step: AdamW and the EMA on this trainer's slice, then the updated weights
         * travel through the window; the EMA and optimiser slices are gathered only when read
         * (train_gather_state) */
        double ss = optim_grad_sumsq(m->grads + lo, hi - lo);
        t->last_gnorm = (float)sqrt(dist_shm_sum_double(t->shm, ss));
        optim_step_range(&t->opt, m->params, m->grads, lo, hi, t->last_gnorm);
    } else {
        t->last_gnorm = optim_step(&t->opt, m->params, m->grads);
    }
    /* every trainer holds the same gradient norm and loss, so all fail here together; the
     * updated weights are never used or written */
    if (optim_nonfinite(t->last_gnorm, loss))
        train_fail_collective(t, "non-finite loss or gradient at step %lld (loss %g, gradient norm %g, lr %g): lower "
                                 "--lr, set --grad-clip, or check the windows file",
                              (long long)t->step, (double)loss, (double)t->last_gnorm, (double)t->last_lr);
    if (t->ema) ema_update(t->ema + lo, m->params + lo, hi - lo, ema_decay(t->step));
    double t2g = progress_now(), c2g = train_cpu_now();
    if (t->shm) dist_shm_allgather(t->shm, m->params);
    t->reduce_gather_s = progress_now() - t2g;
    c2 += train_cpu_now() - c2g; /* the gather is reduction time, not compute */
    if (t->step == t->diverge_step && t->roles.trainer_rank == 1) m->params[0] = nextafterf(m->params[0], 1e30f);
    t->step++;
    double t3 = progress_now();
    t->compute_cpu_s_total += (c1 - c0) + (train_cpu_now() - c2);
    double ms = 1e3 * (t3 - t0);
    t->loss_acc += loss;
    t->last_loss = loss;
    t->step_ms_acc += ms;
    t->reduce_ms_acc += 1e3 * (t2 - t1w + t->reduce_gather_s);
    t->reduce_s_total += t2 - t1w + t->reduce_gather_s;
    t->wait_ms_acc += 1e3 * (t1w - t1);
    t->wait_s_total += t1w - t1;
    t->step_s_total += t3 - t0;
    if (ms > t->max_step_ms) t->max_step_ms = ms;
    t->acc_steps++;
    t->steps_run++;
    return extra[1] > 0;
}

static void train_log(Trainer *t, int log) {
    double now = progress_now();
    int64_t k = t->acc_steps > 0 ? t->acc_steps : 1;
    int64_t kt = t->acc_steps - t->carried_steps > 0 ? t->acc_steps - t->carried_steps : 1; /* timed here */
    ProgressStep s = {0};
    s.partial = !t->log_regular;
    s.step = t->step;
    s.epoch = loader_state(&t->L).epoch;
    s.loss = t->loss_acc / (double)k;
    s.lr = t->last_lr;
    s.grad_norm = t->last_gnorm;
    double dt = now - t->t_log;
    s.samples_per_s = dt > 0 ? (double)kt * t->cfg->batch / dt : 0;
    s.step_ms = t->step_ms_acc / (double)kt;
    s.max_step_ms = t->max_step_ms;
    s.allreduce_ms = t->reduce_ms_acc / (double)kt;
    s.wait_ms = t->wait_ms_acc / (double)kt;
    s.elapsed_s = now - t->t_train_start;
    s.weights_hash = log ? ckpt_hash_floats(t->p.net.params, t->n) : 0;
    progress_step(&t->pr, &s, log);
    if (log) {
        t->loss_acc = t->step_ms_acc = t->reduce_ms_acc = t->wait_ms_acc = t->max_step_ms = 0;
        t->acc_steps = t->carried_steps = 0;
        t->t_log = now;
    }
}

/* ---- the start-up table and the end ------------------------------------------------------- */

static void train_print_config(Trainer *t) {
    const TrainConfig *c = t->cfg;
    Progress *pr = &t->pr;
    if (!pr->active) return;
    const DataInfo *d = &t->info;
    fprintf(stderr, "flowchunk train: %s -> %s\n", c->windows, c->run_dir);
    progress_row(pr, "ranks", "%d (%d trainers, %d evaluators)", t->roles.world_size, t->roles.n_trainers,
                 t->roles.n_evaluators);
    progress_row(pr, "data", "%lld windows (%lld val), obs %s x %d, horizon %d, pad %s", (long long)d->n_windows,
                 (long long)d->n_val, window_obs_kind_name((WindowObsKind)d->obs_kind), d->obs_steps, d->horizon,
                 window_pad_name((WindowPad)d->pad));
    progress_row(pr, "batch", "%d global = %d shards x %d; %d..%d rows per trainer", c->batch, c->virtual_shards,
                 c->batch / c->virtual_shards, d->batch_rows_min, d->batch_rows_max);
    progress_row(pr, "policy", "%s, %sMLP %d x %d %s, time %s, %zu parameters", policy_kind_name(t->pc.kind),
                 t->pc.arch == MLP_RESIDUAL ? "residual (pre-LayerNorm blocks) " : "", t->pc.depth, t->pc.hidden,
                 mlp_activation_name(t->pc.act), policy_time_embed_name(t->pc.time_embed), t->n);
    const OptimConfig *o = &t->opt.cfg;
    if (o->kind == OPTIM_ADAMW)
        progress_row(pr, "optimiser", "adamw lr %g betas (%g, %g) wd %g, warmup %lld, cosine to step %lld%s", o->lr,
                     o->beta1, o->beta2, o->weight_decay, (long long)o->warmup_steps, (long long)o->total_steps,
                     o->grad_clip > 0 ? ", clipped" : "");
    else
        progress_row(pr, "optimiser", "sgd lr %g momentum %g wd %g, warmup %lld, cosine to step %lld", o->lr,
                     o->momentum, o->weight_decay, (long long)o->warmup_steps, (long long)o->total_steps);
    progress_row(pr, "steps", "%lld (%.1f epochs of %lld steps)", (long long)t->total_steps,
                 (double)t->total_steps / (double)d->steps_per_epoch, (long long)d->steps_per_epoch);
    if (t->step > 0) progress_row(pr, "resumed at", "step %lld", (long long)t->step);
    progress_row(pr, "ema", "%s", t->ema ? "on (Diffusion Policy's warmup, max 0.9999)" : "off");
    progress_row(pr, "nodes", "%d (trainers per node %s)", t->topo.nodes, t->topo.trainers_per_node);
    const char *red = train_reduction_name(t);
    progress_row(pr, "gradient reduction", "%s",
                 c->overlap                          ? "per-layer MPI_Iallreduce"
                 : !strcmp(red, "hierarchical")      ? "hierarchical: sum in each node's shared-memory window, slices "
                                                       "allreduced across nodes, optimiser sharded per node"
                 : !strcmp(red, "shared-memory")     ? "sum in a shared-memory window, optimiser sharded (all trainers "
                                                       "on one node)"
                 : t->roles.n_trainers > 1           ? "one flat MPI_Allreduce"
                                                     : "none (one trainer)");
    if (t->eval_on)
        progress_row(pr, "evaluation", "%s every %lld steps: %d episodes from seed %llu (%s) x %d noise draw(s), "
                                       "%d steps max, Ta %d, %d flow steps",
                     c->eval_ranks > 0 ? "pool" : "inline", (long long)c->eval_every, c->eval_episodes,
                     (unsigned long long)c->eval_seed, pusht_reset_kind_name(c->eval_reset), c->eval_noise_seeds,
                     c->eval_max_steps, t->ec.n_action_steps, c->flow_steps);
    else
        progress_row(pr, "evaluation", "off (--eval-every 0 and no evaluator ranks)");
    progress_row(pr, "checkpoints", "every %lld steps, keep %d, + latest.h5%s", (long long)c->ckpt_every, c->keep,
                 t->eval_on ? " + best.h5" : "");
    progress_row(pr, "seed", "%llu", (unsigned long long)c->seed);
    fflush(stderr);
}

static void train_write_summary(Trainer *t, int preempted, double wall) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", preempted ? "preempted" : "finished");
    cJSON_AddNumberToObject(o, "step", (double)t->step);
    cJSON_AddNumberToObject(o, "total_steps", (double)t->total_steps);
    cJSON_AddNumberToObject(o, "epoch", (double)loader_state(&t->L).epoch);
    cJSON_AddNumberToObject(o, "final_loss", t->last_loss);
    cJSON_AddNumberToObject(o, "trainers", t->roles.n_trainers);
    cJSON_AddNumberToObject(o, "evaluators", t->roles.n_evaluators);
    cJSON_AddNumberToObject(o, "nodes", t->topo.nodes);
    cJSON_AddNumberToObject(o, "trainer_nodes", t->topo.trainer_nodes);
    cJSON_AddStringToObject(o, "trainers_per_node", t->topo.trainers_per_node);
    cJSON_AddStringToObject(o, "reduction", train_reduction_name(t));
    cJSON_AddStringToObject(o, "precision", TRAIN_PRECISION);
    cJSON_AddNumberToObject(o, "batch", t->cfg->batch);
    cJSON_AddNumberToObject(o, "params", (double)t->n);
    cJSON_AddNumberToObject(o, "wall_s", wall);
    double sps = t->step_s_total > 0 ? (double)t->steps_run * t->cfg->batch / t->step_s_total : 0;
    cJSON_AddNumberToObject(o, "samples_per_s", sps);
    cJSON_AddNumberToObject(o, "allreduce_share",
                            t->step_s_total > 0 ? t->reduce_s_total / t->step_s_total : 0);
    double k = t->steps_run > 0 ? (double)t->steps_run : 1;
    cJSON_AddNumberToObject(o, "step_ms", 1e3 * t->step_s_total / k);
    cJSON_AddNumberToObject(o, "allreduce_ms", 1e3 * t->reduce_s_total / k);
    cJSON_AddNumberToObject(o, "wait_share", t->step_s_total > 0 ? t->wait_s_total / t->step_s_total : 0);
    cJSON_AddNumberToObject(o, "wait_ms", 1e3 * t->wait_s_total / k);
    cJSON_AddNumberToObject(o, "compute_cpu_ms", 1e3 * t->compute_cpu_s_total / k);
    cJSON_AddNumberToObject(o, "report_s", t->report_s);
    if (t->last_score_step >= 0) {
        cJSON_AddNumberToObject(o, "last_score", t->last_score);
        cJSON_AddNumberToObject(o, "last_success_rate", t->last_success);
        cJSON_AddNumberToObject(o, "last_score_step", (double)t->last_score_step);
    }
    if (t->cfg->eval_ranks > 0 && t->is_t0) {
        cJSON_AddNumberToObject(o, "evaluations_handed_off", (double)t->pool.submitted);
        cJSON_AddNumberToObject(o, "evaluations_dropped_pool_busy", (double)t->pool.busy_skips);
    }
    if (t->best_step >= 0) {
        cJSON_AddNumberToObject(o, "best_score", t->best_score);
        cJSON_AddNumberToObject(o, "best_success_rate", t->best_success);
        cJSON_AddNumberToObject(o, "best_step", (double)t->best_step);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", t->cfg->run_dir);
    char *s = cJSON_Print(o);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s\n", s);
        fclose(f);
    } else {
        progress_note(&t->pr, "warning: cannot write %s", path);
    }
    free(s);
    cJSON_Delete(o);
}

/* ---- the run ------------------------------------------------------------------------------- */

/* trainers: build everything, optionally resume; FC_OK or FC_ERR (not yet agreed) */
static int train_setup_model(Trainer *t) {
    const TrainConfig *c = t->cfg;
    policy_init(&t->p, &t->pc, c->seed);
    /* all trainers on one node: the gradient lives in a shared-memory window and is summed in
     * place (no MPI copies: about half the time of MPI_Allreduce here, benchmarks/README.md) */
    if (!c->overlap && !c->reduce_flat && (t->shm = dist_shm_create(t->p.net.n_params)) != NULL)
        mlp_use_grads(&t->p.net, dist_shm_buffer(t->shm));
    if (c->overlap) {
        t->p.net.grad_ready = train_layer_grad_ready;
        t->p.net.grad_ready_ctx = t;
    }
    t->n = t->p.net.n_params;
    OptimConfig oc = c->optim;
    oc.total_steps = t->total_steps;
    optim_init(&t->opt, &oc, t->n);
    t->model_ready = 1;
    if (c->ema) {
        t->ema = fc_malloc(t->n * sizeof(float));
        memcpy(t->ema, t->p.net.params, t->n * sizeof(float));
    }
    int rows = t->L.batch_rows;
    t->obs = fc_malloc((size_t)rows * (size_t)t->L.obs_row * sizeof(float));
    t->act = fc_malloc((size_t)rows * (size_t)t->L.act_row * sizeof(float));
    t->slot = fc_malloc((size_t)rows * sizeof(uint64_t));
    if (t->eval_on && rollout_config_check(&t->ec, &t->p, &t->info.norm) != FC_OK) return FC_ERR;
    if (!t->is_t0 || !c->resume) return FC_OK;
    char latest[4200];
    snprintf(latest, sizeof latest, "%s/latest.h5", c->run_dir);
    if (!file_exists(latest)) {
        fc_log("--resume: no %s yet, starting a new run", latest);
        return FC_OK;
    }
    return train_resume_read(t, latest);
}

/* trainer 0's state to every trainer: weights (always: one source of truth), and on resume the
 * EMA, the optimiser and the position */
static void train_share_state(Trainer *t) {
    int64_t st[3] = {t->step, t->opt.step, 0};
    dist_bcast_bytes(st, sizeof st, 0);
    dist_bcast_floats(t->p.net.params, t->n, 0);
    if (st[0] == 0) return;
    LoaderPos pos = loader_state(&t->L);
    dist_bcast_bytes(&pos, sizeof pos, 0);
    if (!t->is_t0 && loader_restore(&t->L, pos) != FC_OK) fc_die("resume: %s", fc_last_error());
    t->step = st[0];
    t->opt.step = st[1];
    if (t->ema) dist_bcast_floats(t->ema, t->n, 0);
    dist_bcast_floats(t->opt.m, t->n, 0);
    if (t->opt.v) dist_bcast_floats(t->opt.v, t->n, 0);
    double best[3] = {t->best_score, t->best_success, (double)t->best_step};
    dist_bcast_bytes(best, sizeof best, 0);
    t->best_score = best[0];
    t->best_success = best[1];
    t->best_step = (int64_t)best[2];
}

static void train_free(Trainer *t) {
    if (!t->roles.is_trainer) return;
    if (t->pool_ready) evalpool_free(&t->pool);
    if (t->evalp_ready) policy_free(&t->evalp);
    free(t->obs);
    free(t->act);
    free(t->slot);
    free(t->ema);
    if (t->model_ready) {
        optim_free(&t->opt);
        policy_free(&t->p);
    }
    dist_shm_free(t->shm); /* after policy_free: the gradient lived in it */
    t->shm = NULL;
    if (t->loader_ready) loader_close(&t->L);
    watchdog_stop(&t->wd);
    dist_arrive_free();
}

int train_run(const TrainConfig *c) {
    static Trainer T; /* big; one per process */
    Trainer *t = &T;
    memset(t, 0, sizeof *t);
    t->cfg = c;
    t->best_score = -1;
    t->best_step = -1;
    t->last_score_step = -1;
    t->last_eval_submitted = -1;
    t->signal_step = train_signal_step();
    t->diverge_step = train_diverge_step();
    t->freeze_step = train_freeze_step();
    const char *who = "flowchunk train";

    /* roles and file-free checks */
    int rc = dist_split(&t->roles, c->eval_ranks);
    if (rc == FC_OK) rc = train_check_config(c, &t->roles);
    if ((rc = dist_agree_status(rc, who)) != 0) return rc;
    t->is_t0 = t->roles.world_rank == 0;
    dist_topology(&t->topo);
    train_install_signals();
    rc = t->is_t0 ? train_prepare_dir(c) : FC_OK;
    if (rc == FC_OK && t->is_t0)
        report_record_run(c->run_dir, c->command, t->roles.world_size, t->roles.n_trainers, t->roles.n_evaluators,
                          c->resume);
    if ((rc = dist_agree_status(rc, who)) != 0) return rc;

    /* data: trainers read their shards; everyone learns the shapes and the norm */
    if (t->roles.is_trainer) {
        rc = loader_open(&t->L, c->windows, dist_trainer_comm(), c->batch, c->virtual_shards, c->seed);
        if (rc == FC_OK) {
            t->loader_ready = 1;
            train_data_info(t);
        }
    }
    if ((rc = dist_agree_status(rc, who)) != 0) {
        train_free(t);
        return rc;
    }
    dist_world_bcast(&t->info, sizeof t->info, 0);
    t->total_steps = c->steps > 0 ? c->steps : (c->epochs > 0 ? c->epochs : 1) * t->info.steps_per_epoch;
    train_policy_and_eval_config(t);
    rc = policy_config_check(&t->pc);
    if (rc == FC_OK && t->roles.is_trainer) rc = train_setup_model(t);
    if ((rc = dist_agree_status(rc, who)) != 0) {
        train_free(t);
        return rc;
    }

    /* evaluators serve until trainer 0 stops them */
    if (!t->roles.is_trainer) {
        evalpool_serve(&t->roles, &t->pc, &t->info.norm, &t->ec);
        int st = 0;
        dist_world_bcast(&st, sizeof st, 0);
        return st;
    }

    train_share_state(t);
    if (progress_open(&t->pr, t->is_t0, c->run_dir, t->total_steps, c->log_every, t->step > 0, t->step) != FC_OK)
        fc_die("%s", fc_last_error());
    if (t->is_t0 && c->eval_ranks > 0) {
        evalpool_init(&t->pool, t->roles.eval_root_world, t->n, c->ema);
        t->pool_ready = 1;
    }
    if (t->is_t0 && c->eval_ranks == 0 && t->eval_on) {
        policy_init(&t->evalp, &t->pc, c->seed);
        t->evalp_ready = 1;
    }
    train_print_config(t);
    progress_topology(&t->pr, t->step, t->topo.nodes, t->topo.trainers_per_node, train_reduction_name(t),
                      TRAIN_PRECISION);

    /* the loop */
    int preempted = 0;
    t->t_train_start = t->t_log = progress_now();
    dist_arrive_init();
    watchdog_start(&t->wd, c->watchdog_s, t->step, t->roles.n_trainers);
    while (t->step < t->total_steps) {
        double ts = progress_now();
        preempted = train_step(t);
        watchdog_beat(&t->wd, t->step, progress_now() - ts);
        int last = t->step == t->total_steps, end = last || preempted;
        int check = c->check_every > 0 && (t->step % c->check_every == 0 || end);
        int eval = c->eval_every > 0 && t->step % c->eval_every == 0 && !end;
        int ckpt = (c->ckpt_every > 0 && t->step % c->ckpt_every == 0) || end;
        /* trainer 0 writes or evaluates inline while the others wait in the next step: every
         * trainer knows it, so the watchdog allows that step a longer wait (WATCHDOG_PAUSE_FACTOR) */
        if (ckpt || (eval && c->eval_ranks == 0)) watchdog_pause(&t->wd);
        /* a stop between log steps writes a line marked partial; the checkpoint carries the open
         * window, so a resumed run logs the uninterrupted run's next line (metrics.jsonl) */
        t->log_regular = t->step % c->log_every == 0 || last || t->step == 1;
        int log = t->log_regular || preempted;
        if (t->shm && (check || eval || ckpt)) train_gather_state(t); /* they read the EMA / optimiser whole */
        if (check) train_check_weights(t);
        if (t->is_t0) {
            if (c->eval_ranks > 0) train_poll_pool(t);
            if (eval) train_evaluate(t, EVAL_PERIODIC);
            if (eval || (end && t->eval_on)) train_log_val_loss(t);
            if (ckpt) train_write_ckpt(t);
        }
        if (t->is_t0) train_log(t, log);
        if (preempted) break;
    }
    double wall = progress_now() - t->t_train_start;
    watchdog_stop(&t->wd);

    /* the end: final evaluation, pool shutdown, curve, summary */
    if (t->is_t0) {
        if (preempted) {
            progress_note(&t->pr, "stop signal: checkpoint of step %lld written, exiting with status %d (requeue)",
                          (long long)t->step, FC_EXIT_REQUEUE);
        } else if (t->eval_on) {
            train_evaluate(t, EVAL_FINAL);
        }
        if (c->eval_ranks > 0) {
            evalpool_stop(&t->pool);
            while (!t->pool.done) {
                train_poll_pool(t);
                if (!t->pool.done) usleep(2000);
            }
        }
        /* evaluations are deterministic given (weights, seeds), so the best checkpoint's score from
         * its periodic evaluation is what a re-evaluation would report */
        if (t->last_score_step == t->step)
            progress_note(&t->pr, "final evaluation: last checkpoint (step %lld) score %.4f, success %.2f", (long long)t->step,
                          t->last_score, t->last_success);
        if (t->best_step >= 0)
            progress_note(&t->pr, "final evaluation: best checkpoint (step %lld) score %.4f, success %.2f: %s/best.h5",
                          (long long)t->best_step, t->best_score, t->best_success, c->run_dir);
        train_write_summary(t, preempted, wall);
        char png[4200], title[256];
        snprintf(png, sizeof png, "%s/learning_curve.png", c->run_dir);
        snprintf(title, sizeof title, "flowchunk %s policy, %d trainer(s), batch %d", policy_kind_name(t->pc.kind),
                 t->roles.n_trainers, c->batch);
        if (report_curve_png(c->run_dir, png, title) != FC_OK)
            progress_note(&t->pr, "warning: no learning curve: %s", fc_last_error());
        report_refresh(c->run_dir);
        progress_note(&t->pr, "report: %s/report.html", c->run_dir);
        progress_close(&t->pr);
    }
    int status = preempted ? FC_EXIT_REQUEUE : 0;
    dist_world_bcast(&status, sizeof status, 0);
    train_free(t);
    return status;
}

/* train.c: the training loop of `flowchunk train` (see train.h), top to bottom: setup (roles,
 * run directory, loader, policy, optimiser, EMA, gradient reduction, resume, trainer 0's state
 * broadcast, evaluator), then per step: batch -> loss and gradient (scaled by 1/B) -> the wait
 * for the slowest trainer (the watchdog's eyes) -> the gradient sum -> the optimiser step on this
 * trainer's slice -> NaN guard -> EMA -> slices gathered; between steps: checksums, evaluation,
 * validation loss, checkpoints, progress; at the end: final evaluation, summary, curve, report.
 * Noise is keyed by (seed, step, global slot) and batches by the loader's global position, so the
 * losses do not depend on the number of ranks, and a resume at the same world size continues
 * bit for bit. */
#include "flowchunk/train.h"
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/dist.h"
#include "flowchunk/evaluator.h"
#include "flowchunk/loader.h"
#include "flowchunk/rollout.h"
#include "flowchunk/rundir.h"
#include "flowchunk/watchdog.h"
#include "preempt.h"
#include "progress.h"
#include "report.h"
#include "precision.h"
#include "stepclock.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the trainer --------------------------------------------------------------------------- */

typedef struct { double score, success; int64_t step; /* -1: none */ } TrainScore;

typedef struct {
    const TrainConfig *cfg;
    DistRoles roles;
    DistTopology topo;        /* nodes and trainers per node */
    LoaderInfo data;          /* what every rank learns from the windows file */
    PolicyConfig pc;
    EvalConfig ec;            /* the evaluation protocol, recorded in every checkpoint */
    Loader L;
    Policy p;
    Optim opt;
    float *ema;               /* (n) or NULL */
    size_t n;                 /* parameters */
    DistGrad *grad;           /* the gradient reduction; the gradient lives in its buffer */
    struct { GemmBackend be; char why[160], resumed[32]; } gemm; /* the back end of the step's
                              * products (the same on every trainer), how it was chosen, and the
                              * resumed checkpoint's ("" = none) */
    int64_t step, total_steps;
    struct { float *obs, *act; uint64_t *slot; } batch; /* (rows, obs_row), (rows, act_row), (rows) */
    struct { double loss_sum; int64_t steps, carried; int regular; } logw; /* the metrics window; carried:
                              * steps run before a resume; regular: this step logs by --log-every */
    struct { double loss; float gnorm, lr; } last; /* of the latest step */
    TrainScore best, scored;  /* the best evaluation so far, and the latest */
    Evaluator *ev;            /* trainer 0 when evaluating: the pool or inline */
    RunDir rd;
    double report_s;          /* wall time spent rewriting DIR/report.html */
    Progress pr;
    StepClock clock;
    Watchdog wd;              /* the step watchdog (trainers, more than one) */
    struct { int64_t signal, diverge, freeze; } hooks; /* test hooks (train_hook) */
    int model_ready, loader_ready; /* what train_free must release */
} Trainer;

#define TRAIN_PRECISION(t) precision_name(gemm_backend_precision((t)->gemm.be)) /* of the products */
#define TRAIN_IS_T0(t) ((t)->roles.world_rank == 0)

/* evaluations at all: with evaluator ranks, or inline every --eval-every steps */
static int train_eval_on(const TrainConfig *c) { return c->eval_ranks > 0 || c->eval_every > 0; }

/* test hooks: FC_TEST_SIGNAL_AT_STEP=N makes trainer 0 send itself SIGTERM at step N (the resume
 * test then knows where the preemption happens); FC_TEST_DIVERGE_STEP=N makes trainer 1 nudge
 * one weight at step N (the checksum test proves divergence is caught); FC_TEST_FREEZE_AT_STEP=N
 * with FC_TEST_FREEZE_RANK=R makes world rank R stop itself (SIGSTOP) at step N (a frozen rank
 * for the watchdog test) */
static int64_t train_hook(const char *name, const char *rank) {
    const char *s = getenv(name), *r = rank ? getenv(rank) : NULL;
    if (!s || (rank && (!r || atoi(r) != dist_world_rank()))) return -1;
    return atoll(s);
}

/* ---- setup --------------------------------------------------------------------------------- */

/* checks that need no file: role counts, batch divisibility; the same answer on every rank */
static int train_check_config(const TrainConfig *c, const DistRoles *r) {
    if (loader_check_batch(c->batch, c->virtual_shards, r->n_trainers) != FC_OK) return FC_ERR;
    if (r->is_trainer && gemm_check_request(c->precision, c->gemm_pinned) != FC_OK) return FC_ERR;
    if (c->arch == MLP_RESIDUAL && c->depth < 1)
        return fc_set_error("--arch residual needs --depth >= 1 (the input layer; depth-1 residual blocks follow)");
    return FC_OK;
}

static void train_policy_and_eval_config(Trainer *t) {
    const TrainConfig *c = t->cfg;
    const WindowSpec *s = &t->data.spec;
    PolicyConfig *pc = &t->pc;
    policy_config_default(pc);
    pc->kind = c->policy;
    pc->obs_dim = s->obs_steps * t->data.norm.obs_dim;
    pc->horizon = s->horizon;
    pc->act_dim = t->data.norm.act_dim;
    pc->time_embed = c->time_embed;
    pc->n_freq = c->n_freq;
    pc->hidden = c->hidden;
    pc->depth = c->depth;
    pc->arch = c->arch;
    pc->act = c->act;
    /* the protocol of --eval-reset for this policy (the same as `flowchunk eval --reset`), then
     * the command line's choices; chunks start at the oldest observed frame (window.h) */
    EvalConfig *ec = &t->ec;
    int offset = s->obs_steps - 1, ta = c->n_action_steps > 0 ? c->n_action_steps : s->n_action_steps;
    rollout_config_protocol(ec, c->eval_reset, s->obs_kind, s->obs_steps, s->horizon, offset, ta, c->flow_steps);
    if (c->n_action_steps > 0 || ec->n_action_steps > s->horizon - offset)
        ec->n_action_steps = ta < s->horizon - offset ? ta : s->horizon - offset;
    if (c->eval_episodes > 0) ec->episodes = c->eval_episodes;
    if (c->eval_seed >= 0) ec->seed_first = (uint64_t)c->eval_seed;
    ec->max_steps = c->eval_max_steps;
    ec->noise_seeds = c->eval_noise_seeds;
}

static void train_fill_meta(const Trainer *t, CkptMeta *m, int64_t step) {
    const TrainConfig *c = t->cfg;
    memset(m, 0, sizeof *m);
    m->policy = t->pc;
    m->norm = t->data.norm;
    m->protocol = t->ec;
    if (!train_eval_on(c)) m->protocol.episodes = 0; /* no evaluation: none to reproduce */
    snprintf(m->pad, sizeof m->pad, "%s", window_pad_name(t->data.spec.pad));
    snprintf(m->windows, sizeof m->windows, "%s", c->windows);
    m->optim = t->opt.cfg;
    m->ema = t->ema != NULL;
    m->batch = c->batch;
    m->virtual_shards = c->virtual_shards;
    m->n_trainers = t->roles.n_trainers;
    m->nodes = t->topo.nodes;
    snprintf(m->trainers_per_node, sizeof m->trainers_per_node, "%s", t->topo.trainers_per_node);
    snprintf(m->reduction, sizeof m->reduction, "%s", dist_grad_name(t->grad));
    snprintf(m->precision, sizeof m->precision, "%s", TRAIN_PRECISION(t));
    snprintf(m->gemm, sizeof m->gemm, "%s", gemm_backend_name(t->gemm.be));
    m->seed = c->seed;
    m->total_steps = t->total_steps;
    m->step = step;
    LoaderPos pos = loader_state(&t->L);
    m->epoch = pos.epoch;
    m->epoch_step = pos.step;
    m->loader_fingerprint = t->data.fingerprint;
    m->n_windows = t->data.n_windows;
    m->best_score = t->best.score;
    m->best_success_rate = t->best.success;
    m->best_step = t->best.step;
    m->log_loss_sum = t->logw.regular ? 0 : t->logw.loss_sum; /* the metrics window a resume continues */
    m->log_steps = t->logw.regular ? 0 : t->logw.steps;
}

/* trainer 0: read DIR/latest.h5 into the live state; the others get it by broadcast */
static int train_resume_read(Trainer *t, const char *path) {
    CkptMeta m;
    if (ckpt_resume(path, &m, &t->p, t->ema, &t->opt, t->data.fingerprint) != FC_OK) return FC_ERR;
    LoaderPos pos = {m.epoch, m.epoch_step};
    if (loader_restore(&t->L, pos) != FC_OK) return FC_ERR;
    t->step = m.step;
    snprintf(t->gemm.resumed, sizeof t->gemm.resumed, "%s", m.gemm);
    t->best = (TrainScore){m.best_score, m.best_success_rate, m.best_step};
    t->logw.loss_sum = m.log_loss_sum; /* the first metrics line after the resume averages the same steps */
    t->logw.steps = t->logw.carried = m.log_steps;
    fc_log("resumed from step %lld (epoch %lld) of %s", (long long)m.step, (long long)m.epoch, path);
    if (m.n_trainers != t->roles.n_trainers)
        fc_log("resume: the checkpoint was written by %d trainer ranks, this job has %d: same batches, losses equal up to "
               "float summation order",
               m.n_trainers, t->roles.n_trainers);
    return FC_OK;
}

/* trainers: build everything, optionally resume; FC_OK or FC_ERR (not yet agreed) */
static int train_setup_model(Trainer *t) {
    const TrainConfig *c = t->cfg;
    policy_init(&t->p, &t->pc, c->seed);
    t->n = t->p.net.n_params;
    t->grad = dist_grad_create(t->n, c->reduce_flat);
    mlp_use_grads(&t->p.net, dist_grad_buffer(t->grad));
    OptimConfig oc = c->optim;
    oc.total_steps = t->total_steps;
    optim_init(&t->opt, &oc, t->n);
    t->model_ready = 1;
    if (c->ema) {
        t->ema = fc_malloc(t->n * sizeof(float));
        memcpy(t->ema, t->p.net.params, t->n * sizeof(float));
    }
    size_t rows = (size_t)t->L.batch_rows;
    t->batch.obs = fc_malloc(rows * (size_t)t->L.obs_row * sizeof(float));
    t->batch.act = fc_malloc(rows * (size_t)t->L.act_row * sizeof(float));
    t->batch.slot = fc_malloc(rows * sizeof(uint64_t));
    if (train_eval_on(c) && rollout_config_check(&t->ec, &t->p, &t->data.norm) != FC_OK) return FC_ERR;
    char latest[4200];
    if (!TRAIN_IS_T0(t) || !c->resume) return FC_OK;
    if (!rundir_latest(&t->rd, latest, sizeof latest)) {
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
    if (!TRAIN_IS_T0(t) && loader_restore(&t->L, pos) != FC_OK) fc_die("resume: %s", fc_last_error());
    t->step = st[0];
    t->opt.step = st[1];
    if (t->ema) dist_bcast_floats(t->ema, t->n, 0);
    dist_bcast_floats(t->opt.m, t->n, 0);
    if (t->opt.v) dist_bcast_floats(t->opt.v, t->n, 0);
    dist_bcast_bytes(&t->best, sizeof t->best, 0);
}

static void train_note(void *ctx, const char *msg) { progress_note(ctx, "%s", msg); }

/* the start-up table (world rank 0) */
static void train_print_config(Trainer *t) {
    const TrainConfig *c = t->cfg;
    Progress *pr = &t->pr;
    if (!pr->active) return;
    const LoaderInfo *d = &t->data;
    fprintf(stderr, "flowchunk train: %s -> %s\n", c->windows, c->run_dir);
    progress_row(pr, "ranks", "%d (%d trainers, %d evaluators)", t->roles.world_size, t->roles.n_trainers,
                 t->roles.n_evaluators);
    progress_row(pr, "data", "%lld windows (%lld val), obs %s x %d, horizon %d, pad %s", (long long)d->n_windows,
                 (long long)d->n_val, pusht_obs_kind_name(d->spec.obs_kind), d->spec.obs_steps, d->spec.horizon,
                 window_pad_name(d->spec.pad));
    progress_row(pr, "batch", "%d global = %d shards x %d; %d..%d rows per trainer", c->batch, c->virtual_shards,
                 c->batch / c->virtual_shards, d->batch_rows_min, d->batch_rows_max);
    char buf[256];
    progress_row(pr, "policy", "%s", policy_describe(&t->pc, buf, sizeof buf));
    progress_row(pr, "optimiser", "%s", optim_describe(&t->opt.cfg, buf, sizeof buf));
    progress_row(pr, "steps", "%lld (%.1f epochs of %lld steps)", (long long)t->total_steps,
                 (double)t->total_steps / (double)d->steps_per_epoch, (long long)d->steps_per_epoch);
    if (t->step > 0) progress_row(pr, "resumed at", "step %lld", (long long)t->step);
    progress_row(pr, "ema", "%s", t->ema ? "on (Diffusion Policy's warmup, max 0.9999)" : "off");
    progress_row(pr, "nodes", "%d (trainers per node %s)", t->topo.nodes, t->topo.trainers_per_node);
    progress_row(pr, "gradient reduction", "%s", dist_grad_describe(t->grad));
    progress_row(pr, "precision", "%s products (%s, oneDNN ISA %s; %s); fp32 weights, gradients, AdamW and reduction",
                 TRAIN_PRECISION(t), gemm_backend_name(t->gemm.be), gemm_isa_name(), t->gemm.why);
    if (train_eval_on(c))
        progress_row(pr, "evaluation", "%s every %lld steps: %s", c->eval_ranks > 0 ? "pool" : "inline",
                     (long long)c->eval_every, rollout_config_describe(&t->ec, buf, sizeof buf));
    else
        progress_row(pr, "evaluation", "off (--eval-every 0 and no evaluator ranks)");
    progress_row(pr, "checkpoints", "every %lld steps, keep %d, + latest.h5%s", (long long)c->ckpt_every, c->keep,
                 train_eval_on(c) ? " + best.h5" : "");
    progress_row(pr, "seed", "%llu", (unsigned long long)c->seed);
    fflush(stderr);
}

/* every rank: roles, run directory, data, model, resume, evaluator; 0 or the agreed status (main
 * prints its one error line) */
static int train_setup(Trainer *t) {
    const TrainConfig *c = t->cfg;
    int rc = dist_split(&t->roles, c->eval_ranks);
    if (rc == FC_OK) rc = train_check_config(c, &t->roles);
    if ((rc = dist_agree_status(rc, NULL)) != 0) return rc;
    dist_topology(&t->topo);
    preempt_install();
    rundir_init(&t->rd, c->run_dir, c->keep);
    rc = TRAIN_IS_T0(t) ? rundir_prepare(&t->rd, c->resume) : FC_OK;
    if (rc == FC_OK && TRAIN_IS_T0(t))
        report_record_run(c->run_dir, c->command, t->roles.world_size, t->roles.n_trainers, t->roles.n_evaluators,
                          c->resume);
    if ((rc = dist_agree_status(rc, NULL)) != 0) return rc;
    /* data: trainers read their shards; everyone learns the shapes and the norm */
    if (t->roles.is_trainer) {
        rc = loader_init(&t->L, c->windows, dist_trainer_comm(), c->batch, c->virtual_shards, c->seed);
        if (rc == FC_OK) {
            t->loader_ready = 1;
            loader_info(&t->L, &t->data);
        }
    }
    if ((rc = dist_agree_status(rc, NULL)) != 0) return rc;
    dist_world_bcast(&t->data, sizeof t->data, 0);
    t->total_steps = c->steps > 0 ? c->steps : (c->epochs > 0 ? c->epochs : 1) * t->data.steps_per_epoch;
    train_policy_and_eval_config(t);
    rc = policy_config_check(&t->pc);
    if (rc == FC_OK && t->roles.is_trainer) rc = train_setup_model(t);
    if ((rc = dist_agree_status(rc, NULL)) != 0 || !t->roles.is_trainer) return rc;
    train_share_state(t);
    PrecisionRequest pr = {c->precision, c->gemm_pinned, t->gemm.resumed};
    t->gemm.be = precision_agree(&t->p.net, t->L.batch_rows, &pr, TRAIN_IS_T0(t), t->roles.n_trainers, t->gemm.why,
                                 sizeof t->gemm.why);
    t->ec.precision = gemm_backend_precision(t->gemm.be); /* a run evaluates in the precision it trains in */
    dist_world_bcast(&t->ec.precision, sizeof t->ec.precision, 0); /* to the pool (train_run) */
    if (progress_init(&t->pr, TRAIN_IS_T0(t), c->run_dir, t->total_steps, c->log_every, t->step > 0, t->step) != FC_OK)
        fc_die("%s", fc_last_error());
    if (TRAIN_IS_T0(t) && train_eval_on(c))
        t->ev = evaluator_create(&t->roles, &t->pc, &t->data.norm, &t->ec, t->n, c->ema, train_note, &t->pr);
    train_print_config(t);
    progress_topology(&t->pr, t->step, t->topo.nodes, t->topo.trainers_per_node, dist_grad_name(t->grad),
                      TRAIN_PRECISION(t));
    return 0;
}

/* ---- checkpoints and evaluation (trainer 0) ------------------------------------------------ */

static void train_write_ckpt(Trainer *t) {
    CkptMeta m;
    train_fill_meta(t, &m, t->step);
    CkptTensors ts = {t->p.net.params, t->ema, &t->opt};
    rundir_write_ckpt(&t->rd, &m, &t->p, &ts);
}

/* a report: one metrics line; a better score writes DIR/best.h5 from the weights it scored */
static void train_on_report(Trainer *t, const EvalReport *r, const float *params, const float *ema) {
    ProgressEval e = {r->step, r->kind == EVAL_FINAL ? "final" : "periodic", r->episodes, r->score, r->success_rate,
                      r->mean_coverage, r->rollouts_per_s, r->seconds, r->skipped, t->step, r->noise_seeds,
                      r->score_std, r->score_min, r->score_max, r->success_min, r->success_max};
    progress_eval(&t->pr, &e);
    t->scored = (TrainScore){r->score, r->success_rate, r->step};
    if (r->score > t->best.score) {
        t->best = t->scored;
        CkptMeta m;
        train_fill_meta(t, &m, r->step);
        CkptTensors ts = {params, ema, NULL};
        rundir_write_best(&t->rd, &m, &t->p, &ts);
    }
    t->report_s += rundir_report(&t->rd);
}

static void train_poll(Trainer *t) {
    EvalReport r;
    const float *params, *ema;
    while (evaluator_poll(t->ev, &r, &params, &ema)) train_on_report(t, &r, params, ema);
}

/* hands the current weights to the evaluator (a final job waits for a free pool slot) */
static void train_evaluate(Trainer *t, EvalKind kind) {
    while (!evaluator_submit(t->ev, t->step, kind, t->p.net.params, t->ema)) {
        train_poll(t);
        usleep(2000);
    }
    if (evaluator_is_inline(t->ev)) train_poll(t);
}

/* trainer 0, at each evaluation: the loss of the live weights on (up to TRAIN_VAL_MAX of) the
 * validation windows, with the same noise every time, so the curve compares the weights and
 * nothing else (llm.c's val loss) */
#define TRAIN_VAL_MAX 4096
static void train_log_val_loss(Trainer *t) {
    const Loader *L = &t->L;
    int64_t n = L->n_val < TRAIN_VAL_MAX ? L->n_val : TRAIN_VAL_MAX;
    if (n > 0) progress_val(&t->pr, t->step, policy_loss_mean(&t->p, L->val_obs, L->val_act, n, t->cfg->seed), n);
}

/* ---- one training step --------------------------------------------------------------------- */

/* sharded step: every trainer completes its EMA and optimiser state from the others' slices
 * before anything reads them whole (weight check, evaluation, checkpoint); collective */
static void train_gather_state(Trainer *t) {
    if (t->ema) dist_grad_gather(t->grad, t->ema);
    dist_grad_gather(t->grad, t->opt.m);
    if (t->opt.v) dist_grad_gather(t->grad, t->opt.v);
}

/* weights must agree bit for bit across trainers */
static void train_check_weights(Trainer *t) {
    uint64_t h = ckpt_hash_floats(t->p.net.params, t->n);
    if (t->ema) h ^= ckpt_hash_floats(t->ema, t->n) * 0x9E3779B97F4A7C15ULL;
    if (!dist_all_equal_u64(h))
        fc_die_collective(t->roles.trainer_rank == 0, "the weights diverged across trainer ranks at step %lld (checksum mismatch): "
                                 "non-deterministic reduction or memory corruption",
                              (long long)t->step);
}

/* the optimiser and the EMA on this trainer's slice of the summed gradient (all of it when the
 * step is not sharded); the gradient norm is the global one in every mode */
static void train_update(Trainer *t, float loss) {
    Mlp *m = &t->p.net;
    size_t lo, hi;
    dist_grad_slice(t->grad, &lo, &hi);
    t->last.lr = optim_lr(&t->opt, t->opt.step);
    t->last.gnorm = dist_grad_norm(t->grad, optim_grad_sumsq(m->grads + lo, hi - lo));
    OptimFused f = {t->ema, ema_decay(t->step), m->params_h};
    optim_step_fused(&t->opt, m->params, m->grads, lo, hi, t->last.gnorm, &f);
    if (m->params_h) mlp_params_h_written(m, lo, hi);
    if (optim_nonfinite(t->last.gnorm, loss)) /* the same on every trainer: all fail here together */
        fc_die_collective(t->roles.trainer_rank == 0, "non-finite loss or gradient at step %lld (loss %g, gradient "
                          "norm %g, lr %g): lower --lr, set --grad-clip, or check the windows file",
                          (long long)t->step, (double)loss, (double)t->last.gnorm, (double)t->last.lr);
}

/* one step; returns 1 when the trainers agreed to stop (preemption) after it */
static int train_step(Trainer *t) {
    Mlp *m = &t->p.net;
    stepclock_begin(&t->clock);
    if (t->step == t->hooks.signal && TRAIN_IS_T0(t)) raise(SIGTERM);
    if (t->step == t->hooks.freeze) raise(SIGSTOP); /* stays stopped: the watchdog must end the job */
    loader_next(&t->L, t->batch.obs, t->batch.act, t->batch.slot);
    mlp_zero_grad(m);
    float extra[2] = {policy_loss_grad(&t->p, t->batch.obs, t->batch.act, t->L.batch_rows, t->cfg->seed,
                                       (uint64_t)t->step, t->batch.slot, 1.0f / (float)t->cfg->batch), 0.0f};
    stepclock_phase(&t->clock, CLOCK_WAIT);
    dist_arrive(t->step); /* the wait for the slowest trainer; tells the watchdog who is missing */
    stepclock_phase(&t->clock, CLOCK_REDUCE);
    dist_grad_reduce(t->grad);
    extra[1] = preempt_requested() ? 1.0f : 0.0f; /* the loss sum and the stop flag, one small allreduce */
    dist_allreduce_sum(extra, 2);
    stepclock_phase(&t->clock, CLOCK_COMPUTE);
    train_update(t, extra[0] / (float)t->cfg->batch);
    stepclock_phase(&t->clock, CLOCK_REDUCE);
    dist_grad_gather(t->grad, m->params); /* the other trainers' updated slices */
    stepclock_phase(&t->clock, CLOCK_COMPUTE);
    if (t->step == t->hooks.diverge && t->roles.trainer_rank == 1) m->params[0] = nextafterf(m->params[0], 1e30f);
    t->step++;
    stepclock_end(&t->clock);
    t->logw.loss_sum += t->last.loss = extra[0] / (float)t->cfg->batch;
    t->logw.steps++;
    return extra[1] > 0;
}

static void train_log(Trainer *t, int log) {
    ProgressStep s = {0};
    s.partial = !t->logw.regular;
    s.step = t->step;
    s.epoch = loader_state(&t->L).epoch;
    s.loss = t->logw.loss_sum / (double)(t->logw.steps > 0 ? t->logw.steps : 1);
    s.lr = t->last.lr;
    s.grad_norm = t->last.gnorm;
    stepclock_log(&t->clock, &s, t->cfg->batch, log);
    s.weights_hash = log ? ckpt_hash_floats(t->p.net.params, t->n) : 0;
    progress_step(&t->pr, &s, log);
    if (log) t->logw.loss_sum = 0, t->logw.steps = t->logw.carried = 0;
}

/* after each step: checksums, evaluation, checkpoint, progress */
static void train_between_steps(Trainer *t, int preempted) {
    const TrainConfig *c = t->cfg;
    int last = t->step == t->total_steps, end = last || preempted;
    int check = c->check_every > 0 && (t->step % c->check_every == 0 || end);
    int eval = c->eval_every > 0 && t->step % c->eval_every == 0 && !end;
    int ckpt = (c->ckpt_every > 0 && t->step % c->ckpt_every == 0) || end;
    /* trainer 0 writes or evaluates inline while the others wait in the next step: every trainer
     * knows it, so the watchdog allows that step a longer wait (WATCHDOG_PAUSE_FACTOR) */
    if (ckpt || (eval && c->eval_ranks == 0)) watchdog_pause(&t->wd);
    /* a stop between log steps writes a line marked partial; the checkpoint carries the open
     * window, so a resumed run logs the uninterrupted run's next line (metrics.jsonl) */
    t->logw.regular = t->step % c->log_every == 0 || last || t->step == 1;
    if (check || eval || ckpt) train_gather_state(t); /* they read the EMA / optimiser whole */
    if (check) train_check_weights(t);
    if (!TRAIN_IS_T0(t)) return;
    if (t->ev) train_poll(t);
    if (eval) train_evaluate(t, EVAL_PERIODIC);
    if (eval || (end && t->ev)) train_log_val_loss(t);
    if (ckpt) train_write_ckpt(t);
    train_log(t, t->logw.regular || preempted);
}

/* ---- the end ------------------------------------------------------------------------------ */

static void train_write_summary(Trainer *t, int preempted, double wall) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", preempted ? "preempted" : "finished");
    cJSON_AddNumberToObject(o, "step", (double)t->step);
    cJSON_AddNumberToObject(o, "total_steps", (double)t->total_steps);
    cJSON_AddNumberToObject(o, "epoch", (double)loader_state(&t->L).epoch);
    cJSON_AddNumberToObject(o, "final_loss", t->last.loss);
    cJSON_AddNumberToObject(o, "trainers", t->roles.n_trainers);
    cJSON_AddNumberToObject(o, "evaluators", t->roles.n_evaluators);
    cJSON_AddNumberToObject(o, "nodes", t->topo.nodes);
    cJSON_AddNumberToObject(o, "trainer_nodes", t->topo.trainer_nodes);
    cJSON_AddStringToObject(o, "trainers_per_node", t->topo.trainers_per_node);
    cJSON_AddStringToObject(o, "reduction", dist_grad_name(t->grad));
    cJSON_AddStringToObject(o, "precision", TRAIN_PRECISION(t));
    cJSON_AddStringToObject(o, "gemm", gemm_backend_name(t->gemm.be));
    cJSON_AddNumberToObject(o, "batch", t->cfg->batch);
    cJSON_AddNumberToObject(o, "params", (double)t->n);
    cJSON_AddNumberToObject(o, "wall_s", wall);
    stepclock_summary(&t->clock, o, t->cfg->batch);
    cJSON_AddNumberToObject(o, "report_s", t->report_s);
    const char *name[2][3] = {{"last_score", "last_success_rate", "last_score_step"},
                              {"best_score", "best_success_rate", "best_step"}};
    for (int i = 0; i < 2; i++) {
        const TrainScore *s = i ? &t->best : &t->scored;
        if (i && t->ev) evaluator_summary(t->ev, o);
        if (s->step < 0) continue;
        cJSON_AddNumberToObject(o, name[i][0], s->score);
        cJSON_AddNumberToObject(o, name[i][1], s->success);
        cJSON_AddNumberToObject(o, name[i][2], (double)s->step);
    }
    if (rundir_write_summary(&t->rd, o) != FC_OK) progress_note(&t->pr, "warning: %s", fc_last_error());
    cJSON_Delete(o);
}

/* trainer 0 at the end: final evaluation, pool shutdown, summary, curve, report */
static void train_finish(Trainer *t, int preempted, double wall) {
    if (preempted)
        progress_note(&t->pr, "stop signal: checkpoint of step %lld written, exiting with status %d (requeue)",
                      (long long)t->step, FC_EXIT_REQUEUE);
    if (t->ev) {
        if (!preempted) train_evaluate(t, EVAL_FINAL);
        evaluator_stop(t->ev);
        for (train_poll(t); !evaluator_done(t->ev); train_poll(t)) usleep(2000);
    }
    /* evaluations are deterministic given (weights, seeds), so the best checkpoint's score from
     * its periodic evaluation is what a re-evaluation would report */
    if (t->scored.step == t->step)
        progress_note(&t->pr, "final evaluation: last checkpoint (step %lld) score %.4f, success %.2f", (long long)t->step,
                      t->scored.score, t->scored.success);
    if (t->best.step >= 0)
        progress_note(&t->pr, "final evaluation: best checkpoint (step %lld) score %.4f, success %.2f: %s/best.h5",
                      (long long)t->best.step, t->best.score, t->best.success, t->rd.dir);
    train_write_summary(t, preempted, wall);
    if (rundir_finish(&t->rd, policy_kind_name(t->pc.kind), t->roles.n_trainers, t->cfg->batch) != FC_OK) progress_note(&t->pr, "warning: no learning curve: %s", fc_last_error());
    progress_note(&t->pr, "report: %s/report.html", t->rd.dir);
    progress_free(&t->pr);
}

static void train_free(Trainer *t) {
    if (!t->roles.is_trainer) return;
    evaluator_destroy(t->ev);
    free(t->batch.obs);
    free(t->batch.act);
    free(t->batch.slot);
    free(t->ema);
    if (t->model_ready) {
        optim_free(&t->opt);
        policy_free(&t->p);
    }
    dist_grad_destroy(t->grad); /* after policy_free: the gradient lived in it */
    if (t->loader_ready) loader_free(&t->L);
    watchdog_stop(&t->wd);
    dist_arrive_free();
}

/* ---- the run ------------------------------------------------------------------------------- */

int train_run(const TrainConfig *c) {
    static Trainer T; /* big; one per process */
    Trainer *t = &T;
    memset(t, 0, sizeof *t);
    t->cfg = c;
    t->best = t->scored = (TrainScore){-1, 0, -1};
    t->hooks.signal = train_hook("FC_TEST_SIGNAL_AT_STEP", NULL);
    t->hooks.diverge = train_hook("FC_TEST_DIVERGE_STEP", NULL);
    t->hooks.freeze = train_hook("FC_TEST_FREEZE_AT_STEP", "FC_TEST_FREEZE_RANK");
    int rc = train_setup(t);
    if (rc != 0) {
        train_free(t);
        return rc;
    }
    if (!t->roles.is_trainer) { /* evaluators serve until trainer 0 stops them */
        dist_world_bcast(&t->ec.precision, sizeof t->ec.precision, 0);
        evalpool_serve(&t->roles, &t->pc, &t->data.norm, &t->ec);
        int st = 0;
        dist_world_bcast(&st, sizeof st, 0);
        return st;
    }
    int preempted = 0;
    stepclock_init(&t->clock);
    dist_arrive_init();
    watchdog_start(&t->wd, c->watchdog_s, t->step, t->roles.n_trainers);
    while (!preempted && t->step < t->total_steps) {
        preempted = train_step(t);
        watchdog_beat(&t->wd, t->step, t->clock.last_step_s);
        train_between_steps(t, preempted);
    }
    double wall = progress_now() - t->clock.t_start;
    watchdog_stop(&t->wd);
    if (TRAIN_IS_T0(t)) train_finish(t, preempted, wall);
    int status = preempted ? FC_EXIT_REQUEUE : 0;
    dist_world_bcast(&status, sizeof status, 0);
    train_free(t);
    return status;
}

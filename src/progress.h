/* progress.h: what a user watches during `flowchunk train` (world rank 0 only): a config table at
 * start, a progress line (step/total, epoch, loss, lr, samples/s, ETA, last eval score) redrawn in
 * place with '\r' on a terminal and printed as plain lines every log_every steps when piped, one
 * line per evaluation report, and DIR/metrics.jsonl (one JSON object per logged step, starting
 * {"step":..}, and per evaluation, starting {"eval_step":..}). Implemented in src/progress.c. */
#ifndef FLOWCHUNK_PROGRESS_H
#define FLOWCHUNK_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

/* one logged training step (averages over the steps since the previous log) */
typedef struct {
    int64_t step;           /* optimiser steps done (1-based: the first step logs step 1) */
    int64_t epoch;          /* epochs completed + fraction is not tracked: the current epoch */
    double loss;            /* mean training loss of the interval */
    double lr;              /* learning rate of the last step */
    double grad_norm;       /* pre-clip gradient norm of the last step (0 when not computed) */
    double samples_per_s;   /* global samples per wall second over the interval */
    double step_ms;         /* mean wall time per step */
    double max_step_ms;     /* longest step of the interval */
    double allreduce_ms;    /* mean time inside the gradient reduction per step */
    double wait_ms;         /* mean wait for the slowest trainer before it (0 with --overlap on) */
    double elapsed_s;       /* since training started (this process) */
    uint64_t weights_hash;  /* checksum of the live weights after the step (0 = not logged) */
    int partial;            /* a stop signal cut the interval short: the line says "partial":true,
                             * and a resume drops it (its steps reappear in the next full line) */
} ProgressStep;

/* one evaluation report */
typedef struct {
    int64_t step;           /* training step of the evaluated weights */
    const char *kind;       /* "periodic" | "final_last" | "final_best" */
    int episodes;
    double score, success_rate, mean_coverage;
    double rollouts_per_s, seconds;
    int skipped;            /* newer checkpoints made the pool skip this many older ones */
    int64_t reported_at;    /* trainer step at which the report arrived */
    int noise_seeds;        /* sampling-noise draws averaged into score and success_rate */
    double score_std, score_min, score_max, success_min, success_max; /* over the draws */
} ProgressEval;

typedef struct {
    int active;             /* 0 on ranks other than world rank 0: every call is a no-op */
    int tty;                /* stderr is a terminal: redraw in place */
    int64_t total_steps;
    int64_t log_every;
    FILE *metrics;          /* DIR/metrics.jsonl, appended */
    double t_start;         /* wall clock at progress_init */
    int64_t step_start;     /* first step of this process (resume) */
    double last_score;      /* of the latest evaluation, NaN before */
    int64_t last_score_step;
    int line_open;          /* a '\r' line is on screen and needs a newline before other output */
    double last_draw;       /* when the terminal line was last redrawn */
} Progress;

/* opens DIR/metrics.jsonl (truncated on a fresh run; on resume the lines of steps after
 * resume_step, and partial lines, are dropped, so a restart leaves no duplicates).
 * active = 0 makes a silent Progress. FC_OK or FC_ERR + fc_set_error. */
int progress_init(Progress *pr, int active, const char *run_dir, int64_t total_steps, int64_t log_every,
                  int resume, int64_t resume_step);
void progress_free(Progress *pr);
/* a "key  value" row of the start-up config table (stderr) */
void progress_row(Progress *pr, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* after each step: redraws the terminal line; logs (stderr + metrics.jsonl) when log != 0 */
void progress_step(Progress *pr, const ProgressStep *s, int log);
/* an evaluation report: one stderr line + one metrics.jsonl line */
void progress_eval(Progress *pr, const ProgressEval *e);
/* a free-form message line that does not tear the progress line */
void progress_note(Progress *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* wall-clock seconds (monotonic) */
double progress_now(void);
/* one metrics.jsonl line recording where this (re)start of the run trains:
 * {"run_start_step":S,"nodes":..,"trainers_per_node":"2+2","reduction":"..","precision":"fp32"}
 * (a requeued run may land on another layout, so every start writes one) */
/* one line {"val_step":S,"val_loss":L,"val_windows":N} in metrics.jsonl (and on stderr) */
void progress_val(Progress *pr, int64_t step, double val_loss, int64_t n);
void progress_topology(Progress *pr, int64_t step, int nodes, const char *per_node, const char *reduction,
                       const char *precision);

#endif

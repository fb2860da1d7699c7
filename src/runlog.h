/* runlog.h: everything a run directory of `flowchunk train` says about the run, read without
 * disturbing a trainer that may still be writing it: metrics.jsonl (training lines {"step":..},
 * evaluation lines {"eval_step":..}; a line that does not parse, such as the half-written last
 * line of a live or killed run, is counted and reported, never fatal), summary.json (the run
 * finished or was preempted), run.json (command line, commit, host), eval.json (a full
 * `flowchunk eval --json` of a checkpoint, per-start scores), the checkpoint list, the
 * attributes of latest.h5 (the recipe) and the GIFs to embed. Implemented in src/runlog.c. */
#ifndef FLOWCHUNK_RUNLOG_H
#define FLOWCHUNK_RUNLOG_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "flowchunk/ckpt.h"

#define RUNLOG_MAX_FILES 64

typedef struct {
    int n;                    /* points */
    double *x, *y;            /* (n) */
} RunSeries;

typedef struct {
    char name[256];           /* relative to the run dir, e.g. "ckpt/step_0002000.h5" */
    int64_t step;             /* -1 when the name carries none (latest.h5, best.h5) */
    double bytes;
} RunFile;

typedef struct {
    char dir[4096];
    /* metrics.jsonl */
    RunSeries loss, val_loss, samples_per_s, lr;
    int n_eval;               /* periodic and final evaluations, in the order logged */
    double *eval_step, *eval_score, *eval_std, *eval_success, *eval_coverage, *eval_rps, *eval_seconds;
    double *eval_min, *eval_max; /* eval_std, eval_min, eval_max: the score's spread over noise draws */
    int *eval_final;          /* 1 for the final evaluation (EVAL_FINAL) */
    int64_t lines, bad_lines; /* lines read, lines that did not parse */
    int64_t first_bad_line;   /* 1-based, 0 if none */
    char bad_text[160];       /* the start of the first bad line */
    int bad_is_last;          /* the bad line is the last one and has no newline (truncated write) */
    int has_metrics;
    /* other files; NULL when absent or unreadable */
    cJSON *summary, *run, *eval;
    int has_meta;             /* meta holds latest.h5's (or best.h5's) attributes */
    CkptMeta meta;
    RunFile ckpts[RUNLOG_MAX_FILES];
    int n_ckpts;
    char gifs[8][256];        /* *.gif in the run dir, sorted */
    int n_gifs;
} RunLog;

/* reads dir; FC_OK, or FC_ERR + fc_set_error when dir is missing or is not a run directory (no
 * metrics.jsonl, no summary.json, no latest.h5 and no ckpt/). Free with runlog_free. */
int runlog_init(RunLog *r, const char *dir);
void runlog_free(RunLog *r);
/* "finished", "preempted" (summary.json), "running or stopped" (no summary yet) */
const char *runlog_status(const RunLog *r);
/* index of the best periodic/final evaluation by score, -1 when none */
int runlog_best_eval(const RunLog *r);
/* reads a whole small file (< 64 MiB) into a malloc'ed buffer; NULL when unreadable */
unsigned char *runlog_slurp(const char *path, size_t *n);

#endif

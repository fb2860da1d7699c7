/* progress.c: the config table, the progress line ('\r' redraw on a terminal, plain lines when
 * piped), evaluation lines and DIR/metrics.jsonl (see progress.h). Numbers in metrics.jsonl use
 * %.9g so a float32 loss round-trips exactly (tests compare losses across runs). */
#include "progress.h"
#include "flowchunk/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double progress_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* keeps the lines of metrics.jsonl whose step is <= keep_step (resume after a restart) */
static int progress_trim_metrics(const char *path, int64_t keep_step) {
    FC_ASSERT(strlen(path) < 4300, "metrics path too long");
    FILE *in = fopen(path, "r");
    if (!in) return FC_OK; /* nothing logged yet */
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fclose(in);
        return fc_set_error("%s: cannot write", tmp);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        long long s = -1;
        if (sscanf(line, "{\"step\":%lld", &s) == 1 || sscanf(line, "{\"eval_step\":%lld", &s) == 1) {
            /* evaluations are logged when they arrive; their step is the weights' step */
            if (s > keep_step) continue;
        }
        if (strstr(line, "\"partial\":true")) continue; /* the resumed run logs these steps in full */
        fwrite(line, 1, (size_t)len, out);
    }
    free(line);
    fclose(in);
    if (fclose(out) != 0 || rename(tmp, path) != 0) return fc_set_error("%s: cannot rewrite", path);
    return FC_OK;
}

int progress_init(Progress *pr, int active, const char *run_dir, int64_t total_steps, int64_t log_every,
                  int resume, int64_t resume_step) {
    memset(pr, 0, sizeof *pr);
    pr->active = active;
    pr->total_steps = total_steps;
    pr->log_every = log_every > 0 ? log_every : 1;
    pr->t_start = progress_now();
    pr->step_start = resume ? resume_step : 0;
    pr->last_score = NAN;
    pr->last_score_step = -1;
    if (!active) return FC_OK;
    pr->tty = isatty(STDERR_FILENO);
    char path[4200];
    snprintf(path, sizeof path, "%s/metrics.jsonl", run_dir);
    if (resume && progress_trim_metrics(path, resume_step) != FC_OK) return FC_ERR;
    pr->metrics = fopen(path, resume ? "a" : "w");
    if (!pr->metrics) return fc_set_error("%s: cannot open for writing", path);
    return FC_OK;
}

void progress_free(Progress *pr) {
    if (!pr->active) return;
    if (pr->line_open) fputc('\n', stderr);
    pr->line_open = 0;
    if (pr->metrics) fclose(pr->metrics);
    pr->metrics = NULL;
}

/* ends a '\r' line before ordinary output */
static void progress_break_line(Progress *pr) {
    if (pr->line_open) fputc('\n', stderr);
    pr->line_open = 0;
}

void progress_row(Progress *pr, const char *key, const char *fmt, ...) {
    if (!pr->active) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  %-22s ", key);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void progress_note(Progress *pr, const char *fmt, ...) {
    if (!pr->active) return;
    progress_break_line(pr);
    va_list ap;
    va_start(ap, fmt);
    fputs("flowchunk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
}

/* "1h02m", "3m05s", "12s" */
static void progress_fmt_duration(char *buf, size_t n, double s) {
    if (!isfinite(s) || s < 0) {
        snprintf(buf, n, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60) snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
    else snprintf(buf, n, "%lds", t);
}

void progress_step(Progress *pr, const ProgressStep *s, int log) {
    if (!pr->active) return;
    if (!pr->tty && !log) return;
    double now = progress_now();
    if (!log && now - pr->last_draw < 0.1) return; /* at most 10 redraws a second */
    pr->last_draw = now;
    double done = (double)(s->step - pr->step_start);
    double eta = done > 0 ? s->elapsed_s / done * (double)(pr->total_steps - s->step) : NAN;
    char eta_s[32], score_s[48];
    progress_fmt_duration(eta_s, sizeof eta_s, eta);
    if (isnan(pr->last_score)) snprintf(score_s, sizeof score_s, "-");
    else snprintf(score_s, sizeof score_s, "%.3f@%lld", pr->last_score, (long long)pr->last_score_step);
    int width = snprintf(NULL, 0, "%lld", (long long)pr->total_steps);
    char line[256];
    snprintf(line, sizeof line, "step %*lld/%lld  epoch %lld  loss %.5f  lr %.2e  %.0f samples/s  ETA %s  eval %s",
             width, (long long)s->step, (long long)pr->total_steps, (long long)s->epoch, s->loss, s->lr,
             s->samples_per_s, eta_s, score_s);
    if (pr->tty) {
        fprintf(stderr, "\r%-110s", line);
        pr->line_open = 1;
        if (log && s->step == pr->total_steps) progress_break_line(pr);
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
    if (log && pr->metrics) {
        fprintf(pr->metrics,
                "{\"step\":%lld,\"epoch\":%lld,\"loss\":%.9g,\"lr\":%.9g,\"grad_norm\":%.9g,"
                "\"samples_per_s\":%.6g,\"step_ms\":%.6g,\"max_step_ms\":%.6g,\"allreduce_ms\":%.6g,"
                "\"wait_ms\":%.6g,\"elapsed_s\":%.6g,\"weights_hash\":\"%016llx\"%s}\n",
                (long long)s->step, (long long)s->epoch, s->loss, s->lr, s->grad_norm, s->samples_per_s, s->step_ms,
                s->max_step_ms, s->allreduce_ms, s->wait_ms, s->elapsed_s, (unsigned long long)s->weights_hash,
                s->partial ? ",\"partial\":true" : "");
        fflush(pr->metrics);
    }
}

void progress_val(Progress *pr, int64_t step, double val_loss, int64_t n) {
    if (!pr->active) return;
    progress_break_line(pr);
    fprintf(stderr, "flowchunk: validation loss at step %lld: %.5f (%lld windows)\n", (long long)step, val_loss,
            (long long)n);
    if (!pr->metrics) return;
    fprintf(pr->metrics, "{\"val_step\":%lld,\"val_loss\":%.9g,\"val_windows\":%lld}\n", (long long)step, val_loss,
            (long long)n);
    fflush(pr->metrics);
}

void progress_topology(Progress *pr, int64_t step, int nodes, const char *per_node, const char *reduction,
                       const char *precision) {
    if (!pr->metrics) return;
    fprintf(pr->metrics,
            "{\"run_start_step\":%lld,\"nodes\":%d,\"trainers_per_node\":\"%s\",\"reduction\":\"%s\","
            "\"precision\":\"%s\"}\n",
            (long long)step, nodes, per_node, reduction, precision);
    fflush(pr->metrics);
}

void progress_eval(Progress *pr, const ProgressEval *e) {
    if (!pr->active) return;
    if (strcmp(e->kind, "periodic") == 0 || strcmp(e->kind, "final_last") == 0) {
        pr->last_score = e->score;
        pr->last_score_step = e->step;
    }
    progress_break_line(pr);
    fprintf(stderr,
            "flowchunk: eval (%s) of step %lld: score %.4f +- %.4f (%.4f-%.4f, %d draw(s))  success %.3f  coverage %.3f  "
            "%d episodes  %.1f rollouts/s",
            e->kind, (long long)e->step, e->score, e->score_std, e->score_min, e->score_max, e->noise_seeds,
            e->success_rate, e->mean_coverage, e->episodes, e->rollouts_per_s);
    if (e->skipped) fprintf(stderr, "  (pool skipped %d older)", e->skipped);
    fputc('\n', stderr);
    fflush(stderr);
    if (pr->metrics) {
        fprintf(pr->metrics,
                "{\"eval_step\":%lld,\"kind\":\"%s\",\"score\":%.9g,\"success_rate\":%.9g,"
                "\"mean_coverage\":%.9g,\"episodes\":%d,\"noise_seeds\":%d,\"score_std\":%.9g,"
                "\"score_min\":%.9g,\"score_max\":%.9g,\"success_min\":%.9g,\"success_max\":%.9g,"
                "\"rollouts_per_s\":%.6g,\"eval_seconds\":%.6g,\"skipped\":%d,\"reported_at_step\":%lld}\n",
                (long long)e->step, e->kind, e->score, e->success_rate, e->mean_coverage, e->episodes,
                e->noise_seeds, e->score_std, e->score_min, e->score_max, e->success_min, e->success_max,
                e->rollouts_per_s, e->seconds, e->skipped, (long long)e->reported_at);
        fflush(pr->metrics);
    }
}

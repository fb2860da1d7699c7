/* runlog.c: reads a run directory (see runlog.h). Every file is optional except that one of the
 * run's own markers must exist; a file being replaced (latest.h5, report.html) is read through
 * its final name, which the trainer only ever renames into place. */
#include "runlog.h"
#include "flowchunk/check.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

unsigned char *runlog_slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (64 << 20)) {
        fclose(f);
        return NULL;
    }
    unsigned char *buf = fc_malloc((size_t)st.st_size + 1);
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    buf[got] = 0;
    *n = got;
    return buf;
}

static cJSON *runlog_json(const char *dir, const char *name) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n;
    char *s = (char *)runlog_slurp(path, &n);
    if (!s) return NULL;
    cJSON *o = cJSON_Parse(s);
    free(s);
    return o;
}

static void runlog_push(RunSeries *s, int *cap, double x, double y) {
    if (s->n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        double *nx = realloc(s->x, (size_t)*cap * sizeof(double)), *ny = nx ? realloc(s->y, (size_t)*cap * sizeof(double)) : NULL;
        FC_CHECK(nx && ny, "out of memory reading metrics.jsonl");
        s->x = nx;
        s->y = ny;
    }
    s->x[s->n] = x;
    s->y[s->n] = y;
    s->n++;
}

static double runlog_num(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void runlog_eval_grow(RunLog *r, int *cap) {
    if (r->n_eval < *cap) return;
    *cap = *cap ? 2 * *cap : 64;
    double **cols[9] = {&r->eval_step, &r->eval_score, &r->eval_std, &r->eval_success, &r->eval_coverage, &r->eval_rps,
                        &r->eval_seconds, &r->eval_min, &r->eval_max};
    for (int i = 0; i < 9; i++) {
        double *p = realloc(*cols[i], (size_t)*cap * sizeof(double));
        FC_CHECK(p != NULL, "out of memory reading metrics.jsonl");
        *cols[i] = p;
    }
    int *k = realloc(r->eval_final, (size_t)*cap * sizeof(int));
    FC_CHECK(k != NULL, "out of memory reading metrics.jsonl");
    r->eval_final = k;
}

static void runlog_line(RunLog *r, cJSON *o, int caps[5]) {
    double step = runlog_num(o, "step"), es = runlog_num(o, "eval_step"), vs = runlog_num(o, "val_step");
    if (isfinite(vs)) { /* the validation loss, logged at each evaluation */
        double v = runlog_num(o, "val_loss");
        if (isfinite(v)) runlog_push(&r->val_loss, &caps[1], vs, v);
        return;
    }
    if (isfinite(step)) {
        double loss = runlog_num(o, "loss"), v = runlog_num(o, "val_loss");
        if (isfinite(loss)) runlog_push(&r->loss, &caps[0], step, loss);
        if (isfinite(v)) runlog_push(&r->val_loss, &caps[1], step, v);
        double sps = runlog_num(o, "samples_per_s");
        if (isfinite(sps) && sps > 0) runlog_push(&r->samples_per_s, &caps[2], step, sps);
        double lr = runlog_num(o, "lr");
        if (isfinite(lr)) runlog_push(&r->lr, &caps[3], step, lr);
    } else if (isfinite(es)) {
        runlog_eval_grow(r, &caps[4]);
        int i = r->n_eval++;
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
        r->eval_step[i] = es;
        r->eval_score[i] = runlog_num(o, "score");
        r->eval_std[i] = runlog_num(o, "score_std");
        r->eval_min[i] = runlog_num(o, "score_min");
        r->eval_max[i] = runlog_num(o, "score_max");
        if (!(runlog_num(o, "noise_seeds") > 1)) r->eval_std[i] = r->eval_min[i] = r->eval_max[i] = NAN; /* one draw: no spread */
        r->eval_success[i] = runlog_num(o, "success_rate");
        r->eval_coverage[i] = runlog_num(o, "mean_coverage");
        r->eval_rps[i] = runlog_num(o, "rollouts_per_s");
        r->eval_seconds[i] = runlog_num(o, "eval_seconds");
        r->eval_final[i] = cJSON_IsString(kind) && strcmp(kind->valuestring, "final") == 0;
    }
}

static void runlog_metrics(RunLog *r) {
    char path[4400];
    snprintf(path, sizeof path, "%s/metrics.jsonl", r->dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    r->has_metrics = 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int caps[5] = {0};
    while ((len = getline(&line, &cap, f)) > 0) {
        r->lines++;
        int has_nl = line[len - 1] == '\n';
        cJSON *o = cJSON_Parse(line);
        if (o && cJSON_IsObject(o)) {
            runlog_line(r, o, caps);
        } else if (len > 1 || !has_nl) {
            if (r->bad_lines++ == 0) {
                r->first_bad_line = r->lines;
                snprintf(r->bad_text, sizeof r->bad_text, "%.*s", (int)(len > 150 ? 150 : len - has_nl), line);
            }
            r->bad_is_last = !has_nl;
        }
        cJSON_Delete(o);
    }
    free(line);
    fclose(f);
}

static int runlog_cmp_file(const void *a, const void *b) {
    const RunFile *x = a, *y = b;
    if (x->step != y->step) return x->step < y->step ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int runlog_cmp_name(const void *a, const void *b) { return strcmp(a, b); }

static void runlog_add_file(RunLog *r, const char *rel, int64_t step) {
    if (r->n_ckpts >= RUNLOG_MAX_FILES) return;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", r->dir, rel);
    struct stat st;
    if (stat(path, &st) != 0) return;
    RunFile *f = &r->ckpts[r->n_ckpts++];
    snprintf(f->name, sizeof f->name, "%s", rel);
    f->step = step;
    f->bytes = (double)st.st_size;
}

static void runlog_files(RunLog *r) {
    char path[4400];
    snprintf(path, sizeof path, "%s/ckpt", r->dir);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long long s;
        char tail[8], rel[300];
        if (sscanf(e->d_name, "step_%lld.%7s", &s, tail) == 2 && strcmp(tail, "h5") == 0) {
            snprintf(rel, sizeof rel, "ckpt/%.255s", e->d_name);
            runlog_add_file(r, rel, s);
        }
    }
    if (d) closedir(d);
    qsort(r->ckpts, (size_t)r->n_ckpts, sizeof r->ckpts[0], runlog_cmp_file);
    runlog_add_file(r, "latest.h5", -1);
    runlog_add_file(r, "best.h5", -1);
    d = opendir(r->dir);
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && n < 256 && strcmp(e->d_name + n - 4, ".gif") == 0 && r->n_gifs < 8)
            snprintf(r->gifs[r->n_gifs++], sizeof r->gifs[0], "%s", e->d_name);
    }
    if (d) closedir(d);
    qsort(r->gifs, (size_t)r->n_gifs, sizeof r->gifs[0], runlog_cmp_name);
}

int runlog_init(RunLog *r, const char *dir) {
    memset(r, 0, sizeof *r);
    struct stat st;
    if (stat(dir, &st) != 0) return fc_set_error("%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return fc_set_error("%s is not a directory: give the --run-dir of a flowchunk train", dir);
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    runlog_metrics(r);
    r->summary = runlog_json(dir, "summary.json");
    r->run = runlog_json(dir, "run.json");
    r->eval = runlog_json(dir, "eval.json");
    runlog_files(r);
    char path[4400];
    snprintf(path, sizeof path, "%s/ckpt", dir);
    int has_ckpt_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    if (!r->has_metrics && !r->summary && !r->run && !has_ckpt_dir) {
        runlog_free(r);
        return fc_set_error("%s is not a flowchunk run directory (no metrics.jsonl, summary.json, run.json or ckpt/): "
                            "give the --run-dir of a flowchunk train",
                            dir);
    }
    const char *meta_from[2] = {"latest.h5", "best.h5"};
    for (int i = 0; i < 2 && !r->has_meta; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, meta_from[i]);
        if (stat(path, &st) == 0) r->has_meta = ckpt_read_meta(path, &r->meta) == FC_OK;
    }
    return FC_OK;
}

void runlog_free(RunLog *r) {
    RunSeries *s[4] = {&r->loss, &r->val_loss, &r->samples_per_s, &r->lr};
    for (int i = 0; i < 4; i++) {
        free(s[i]->x);
        free(s[i]->y);
    }
    free(r->eval_step);
    free(r->eval_score);
    free(r->eval_std);
    free(r->eval_min);
    free(r->eval_max);
    free(r->eval_success);
    free(r->eval_coverage);
    free(r->eval_rps);
    free(r->eval_seconds);
    free(r->eval_final);
    cJSON_Delete(r->summary);
    cJSON_Delete(r->run);
    cJSON_Delete(r->eval);
    memset(r, 0, sizeof *r);
}

const char *runlog_status(const RunLog *r) {
    const cJSON *s = r->summary ? cJSON_GetObjectItemCaseSensitive(r->summary, "status") : NULL;
    if (cJSON_IsString(s)) return s->valuestring;
    return "running (or stopped before the end)";
}

int runlog_best_eval(const RunLog *r) {
    int best = -1;
    for (int i = 0; i < r->n_eval; i++)
        if (isfinite(r->eval_score[i]) && (best < 0 || r->eval_score[i] > r->eval_score[best])) best = i;
    return best;
}

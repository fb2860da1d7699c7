/* study_summary.c: the summary of a dataset-size study directory written by jobs/study.sh (see
 * study.h): reads every finished run N<N>_s<seed>/ (study/task.json, the held-out and DP-seed
 * evaluations study/heldout_<step>.json and dp_<step>.json of its last checkpoints, the training
 * evaluations of metrics.jsonl), marks each run converged or still rising, and writes
 * A budget probe N<N>_s<seed>_x<F>/ (seed 0 trained with F times the budget) turns every run of its
 * size unconverged when it scores more than tol above the run it repeats.
 *   study.csv          one row per run (score = mean over the last checkpoints, noise draws and
 *                      held-out starts, with its 95% interval over the starts)
 *   study_summary.csv  one row per N: 95% intervals over seeds and starts (study_crossed_interval)
 *   study_fit.csv      the power laws 1 - score = a N^-b and 1 - success = a N^-b with intervals
 *   study_score.png, study_success.png   vs N on a log axis, intervals, the fitted curve
 *   study_curves.png   the learning curves of every run, one panel per N (small multiples)
 *   report.html        the study's page (report_study.c) with links to each run's report */
#include "study.h"
#include "flowchunk/check.h"
#include "report.h"
#include "runlog.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STUDY_MAX_RUNS 256
#define STUDY_MAX_CKPTS 16

typedef struct {
    int nj;                  /* starts */
    double *score, *success; /* (nj) per start: mean over checkpoints and noise draws */
    double ckpt_score[STUDY_MAX_CKPTS], ckpt_step[STUDY_MAX_CKPTS]; /* per checkpoint: mean score, step */
    int k;                                                          /* checkpoints read */
    int64_t first_seed;
} StudyEval;

typedef struct {
    int n, seed, scale; /* scale > 1: a budget probe */
    char dir[4200];
    double steps, epochs, windows, wall_s;
    StudyEval held, dp;
    StudyInterval score, success; /* over the held-out starts */
    double dp_score, dp_success;
    int n_eval;                     /* training evaluations */
    double *eval_step, *eval_score; /* (n_eval) */
    double last_train_eval, gain_train, gain_heldout;
    double probe_gain; /* its size's budget probe minus the run it repeats (NAN: none) */
    int converged;
} StudyRun;

static void study_eval_free(StudyEval *e) {
    free(e->score);
    free(e->success);
}

static double study_num(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* adds one `flowchunk eval --json` file to e (per-start sums; divided by k at the end) */
static int study_eval_add(StudyEval *e, const char *path) {
    size_t len;
    unsigned char *txt = runlog_slurp(path, &len);
    if (!txt) return fc_set_error("%s: cannot read", path);
    cJSON *o = cJSON_Parse((const char *)txt);
    free(txt);
    if (!o) return fc_set_error("%s: not a JSON object", path);
    const cJSON *ep = cJSON_GetObjectItem(o, "episodes"), *dr = cJSON_GetObjectItem(o, "noise_seeds");
    const cJSON *seeds = cJSON_GetObjectItem(o, "seeds"), *rew = cJSON_GetObjectItem(o, "max_reward");
    const cJSON *suc = cJSON_GetObjectItem(o, "success");
    int E = cJSON_IsNumber(ep) ? ep->valueint : 0, D = cJSON_IsNumber(dr) ? dr->valueint : 0;
    if (E < 1 || D < 1 || !cJSON_IsArray(rew) || !cJSON_IsArray(suc) || !cJSON_IsArray(seeds) ||
        cJSON_GetArraySize(rew) != E * D || cJSON_GetArraySize(suc) != E * D || cJSON_GetArraySize(seeds) != E * D) {
        cJSON_Delete(o);
        return fc_set_error("%s: expected a flowchunk eval --json result with per-episode max_reward, success "
                            "and seeds (episodes x noise_seeds)",
                            path);
    }
    int64_t first = (int64_t)cJSON_GetArrayItem(seeds, 0)->valuedouble;
    if (e->k == 0) {
        e->nj = E;
        e->first_seed = first;
        e->score = fc_calloc((size_t)E, sizeof(double));
        e->success = fc_calloc((size_t)E, sizeof(double));
    } else if (e->nj != E || e->first_seed != first) {
        cJSON_Delete(o);
        return fc_set_error("%s: %d starts from seed %lld, the run's other checkpoints had %d from %lld", path, E,
                            (long long)first, e->nj, (long long)e->first_seed);
    }
    double tot = 0;
    for (int i = 0; i < E * D; i++) {
        double r = cJSON_GetArrayItem(rew, i)->valuedouble, s = cJSON_IsTrue(cJSON_GetArrayItem(suc, i));
        e->score[i % E] += r / D;
        e->success[i % E] += s / D;
        tot += r;
    }
    if (e->k < STUDY_MAX_CKPTS) e->ckpt_score[e->k] = tot / (E * D), e->ckpt_step[e->k] = study_num(o, "step");
    e->k++;
    cJSON_Delete(o);
    return FC_OK;
}

static void study_eval_finish(StudyEval *e) {
    for (int j = 0; j < e->nj; j++) e->score[j] /= e->k, e->success[j] /= e->k;
}

static double study_mean(const double *y, int n) {
    double m = 0;
    for (int i = 0; i < n; i++) m += y[i];
    return n ? m / n : NAN;
}

/* one finished run; FC_ERR + fc_set_error when its files are inconsistent */
static int study_run_read(StudyRun *r, double tol) {
    char path[4400];
    snprintf(path, sizeof path, "%s/study/task.json", r->dir);
    size_t len;
    unsigned char *txt = runlog_slurp(path, &len);
    cJSON *t = txt ? cJSON_Parse((const char *)txt) : NULL;
    free(txt);
    if (!t) return fc_set_error("%s: cannot read it as JSON", path);
    r->steps = study_num(t, "steps"), r->epochs = study_num(t, "epochs"), r->windows = study_num(t, "windows");
    r->wall_s = study_num(t, "wall_s");
    const cJSON *ck = cJSON_GetObjectItem(t, "checkpoints"), *c;
    int rc = FC_OK;
    cJSON_ArrayForEach(c, ck) {
        snprintf(path, sizeof path, "%s/study/heldout_%07d.json", r->dir, c->valueint);
        if ((rc = study_eval_add(&r->held, path)) != FC_OK) break;
        snprintf(path, sizeof path, "%s/study/dp_%07d.json", r->dir, c->valueint);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            if ((rc = study_eval_add(&r->dp, path)) != FC_OK) break;
        }
    }
    cJSON_Delete(t);
    if (rc != FC_OK) return rc;
    if (r->held.k == 0) return fc_set_error("%s/study/task.json lists no scored checkpoint", r->dir);
    study_eval_finish(&r->held);
    if (r->dp.k) study_eval_finish(&r->dp);
    r->score = study_mean_interval(r->held.score, r->held.nj);
    r->success = study_mean_interval(r->held.success, r->held.nj);
    r->dp_score = r->dp.k ? study_mean(r->dp.score, r->dp.nj) : NAN;
    r->dp_success = r->dp.k ? study_mean(r->dp.success, r->dp.nj) : NAN;
    RunLog lg;
    if (runlog_init(&lg, r->dir) != FC_OK) return FC_ERR;
    r->n_eval = lg.n_eval;
    r->eval_step = fc_calloc((size_t)lg.n_eval + 1, sizeof(double));
    r->eval_score = fc_calloc((size_t)lg.n_eval + 1, sizeof(double));
    memcpy(r->eval_step, lg.eval_step, (size_t)lg.n_eval * sizeof(double));
    memcpy(r->eval_score, lg.eval_score, (size_t)lg.n_eval * sizeof(double));
    runlog_free(&lg);
    r->last_train_eval = r->n_eval ? r->eval_score[r->n_eval - 1] : NAN;
    r->gain_train = study_gain(r->eval_score, r->n_eval, 3);
    int kh = r->held.k < STUDY_MAX_CKPTS ? r->held.k : STUDY_MAX_CKPTS;
    r->gain_heldout = study_trend(r->held.ckpt_score, kh);
    r->converged = r->n_eval >= 4 && r->gain_train <= tol && r->gain_heldout <= tol;
    return FC_OK;
}

static int study_run_cmp(const void *a, const void *b) {
    const StudyRun *x = a, *y = b;
    return x->n != y->n ? (x->n > y->n) - (x->n < y->n) : (x->seed > y->seed) - (x->seed < y->seed);
}

typedef struct {
    int n, first, count, converged; /* runs [first, first + count) of the sorted list */
    const StudyRun *probe;          /* the size's budget probe, NULL if none (finished) */
    double probe_gain;
    StudyInterval score, success, dp_score, dp_success;
    double sd, lo, hi, succ_sd; /* over the runs' scores (the older summary columns) */
} StudySize;

/* the seeds x starts table of one size for one quantity, as study_crossed_interval wants it */
static StudyInterval study_size_interval(const StudyRun *runs, const StudySize *z, int dp, int success) {
    const StudyEval *e0 = dp ? &runs[z->first].dp : &runs[z->first].held;
    if (e0->k == 0) return (StudyInterval){NAN, NAN, NAN, NAN, 0};
    int nj = e0->nj;
    double *y = fc_malloc((size_t)z->count * (size_t)nj * sizeof(double));
    for (int i = 0; i < z->count; i++) {
        const StudyEval *e = dp ? &runs[z->first + i].dp : &runs[z->first + i].held;
        FC_ASSERT(e->nj == nj, "every run of one size is scored on the same starts");
        memcpy(y + (size_t)i * nj, success ? e->success : e->score, (size_t)nj * sizeof(double));
    }
    StudyInterval r = study_crossed_interval(y, z->count, nj);
    free(y);
    return r;
}

/* the curve 1 - a N^-b at npts log-spaced N in [x0, x1] */
static void study_fit_curve(const StudyPowerFit *f, double x0, double x1, int npts, double *x, double *y) {
    for (int i = 0; i < npts; i++) {
        x[i] = exp(log(x0) + (log(x1) - log(x0)) * i / (npts - 1));
        y[i] = 1 - f->a * pow(x[i], -f->b);
    }
}

/* <prefix><suffix> opened for writing with its header line; NULL + fc_set_error */
static FILE *study_csv_open(const char *prefix, const char *suffix, const char *header) {
    char path[4500];
    snprintf(path, sizeof path, "%s%s", prefix, suffix);
    FILE *f = fopen(path, "w");
    if (!f)
        fc_set_error("%s: cannot write", path);
    else
        fputs(header, f);
    return f;
}

static int study_write_csvs(const char *prefix, const StudyRun *runs, int nr, const StudySize *sz, int ns,
                            const StudyPowerFit *fs, const StudyPowerFit *fu) {
    FILE *f = study_csv_open(prefix, ".csv",
                             "episodes,seed,score,success_rate,score_lo,score_hi,success_lo,success_hi,dp_score,"
                             "dp_success_rate,steps,epochs,windows,checkpoints,starts,last_train_eval,gain_train,"
                             "gain_heldout,converged,wall_s,probe_gain\n");
    if (!f) return FC_ERR;
    for (int i = 0; i < nr; i++) {
        const StudyRun *r = &runs[i];
        fprintf(f, "%d,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,", r->n, r->seed, r->score.mean, r->success.mean,
                r->score.lo, r->score.hi, r->success.lo, r->success.hi, r->dp_score, r->dp_success);
        fprintf(f, "%.0f,%.1f,%.0f,%d,%d,%.4f,%.4f,%.4f,%d,%.0f,%.4f\n", r->steps, r->epochs, r->windows, r->held.k,
                r->held.nj, r->last_train_eval, r->gain_train, r->gain_heldout, r->converged, r->wall_s, r->probe_gain);
    }
    fclose(f);
    f = study_csv_open(prefix, "_summary.csv",
                       "episodes,seeds,score_mean,score_std,score_min,score_max,success_mean,success_std,score_lo,"
                       "score_hi,success_lo,success_hi,dp_score_mean,dp_score_lo,dp_score_hi,dp_success_mean,"
                       "dp_success_lo,dp_success_hi,starts,converged_runs,probe_steps,probe_score,probe_gain\n");
    if (!f) return FC_ERR;
    for (int i = 0; i < ns; i++) {
        const StudySize *z = &sz[i];
        const StudyInterval *iv[4] = {&z->score, &z->success, &z->dp_score, &z->dp_success};
        fprintf(f, "%d,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,", z->n, z->count, z->score.mean, z->sd, z->lo, z->hi,
                z->success.mean, z->succ_sd);
        fprintf(f, "%.4f,%.4f,%.4f,%.4f,", iv[0]->lo, iv[0]->hi, iv[1]->lo, iv[1]->hi);
        for (int k = 2; k < 4; k++) fprintf(f, "%.4f,%.4f,%.4f,", iv[k]->mean, iv[k]->lo, iv[k]->hi);
        fprintf(f, "%d,%d,%.0f,%.4f,%.4f\n", runs[z->first].held.nj, z->converged, z->probe ? z->probe->steps : NAN,
                z->probe ? z->probe->score.mean : NAN, z->probe_gain);
    }
    fclose(f);
    if (!(f = study_csv_open(prefix, "_fit.csv", "quantity,model,runs,a,a_lo,a_hi,b,b_lo,b_hi,r2\n"))) return FC_ERR;
    const StudyPowerFit *fits[2] = {fs, fu};
    const char *what[2] = {"score", "success_rate"};
    for (int k = 0; k < 2; k++)
        fprintf(f, "%s,1 - %s = a * N^-b,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f\n", what[k], what[k], fits[k]->n,
                fits[k]->a, fits[k]->a_lo, fits[k]->a_hi, fits[k]->b, fits[k]->b_lo, fits[k]->b_hi, fits[k]->r2);
    fclose(f);
    return FC_OK;
}

/* score (success) vs N: the held-out mean with its 95% interval, the DP seeds', each run, the fit */
static int study_plot_vs_n(const char *path, const StudyRun *runs, int nr, const StudySize *sz, int ns, int success,
                           const StudyPowerFit *fit) {
    double *col = fc_calloc((size_t)(9 * ns + 4 * nr + 128), sizeof(double));
    double *N = col, *m = N + ns, *lo = m + ns, *hi = lo + ns, *dm = hi + ns, *dlo = dm + ns, *dhi = dlo + ns;
    double *rx = dhi + ns, *ry = rx + nr, *ux = ry + nr, *uy = ux + nr, *fx = uy + nr, *fy = fx + 64;
    int nu = 0, nd = 0;
    for (int i = 0; i < ns; i++) {
        N[i] = sz[i].n;
        StudyInterval h = success ? sz[i].success : sz[i].score, d = success ? sz[i].dp_success : sz[i].dp_score;
        /* the intervals are drawn clipped to the [0, 1] range of the scores (the CSVs keep them whole) */
        m[i] = h.mean, lo[i] = fmax(h.lo, 0), hi[i] = fmin(h.hi, 1);
        if (isfinite(d.mean)) dm[nd] = d.mean, dlo[nd] = fmax(d.lo, 0), dhi[nd] = fmin(d.hi, 1), nd++;
    }
    int nc = 0;
    for (int i = 0; i < nr; i++) {
        double v = success ? runs[i].success.mean : runs[i].score.mean;
        if (runs[i].converged)
            rx[nc] = runs[i].n, ry[nc] = v, nc++;
        else
            ux[nu] = runs[i].n, uy[nu] = v, nu++;
    }
    double x0 = N[0] / 1.4, x1 = N[ns - 1] * 1.4;
    if (ns == 1) x0 = N[0] / 2, x1 = N[0] * 2;
    Plot p;
    char title[160], flabel[160];
    snprintf(title, sizeof title, "%s vs number of demonstrations (95%% intervals over seeds and starts)",
             success ? "success rate" : "score");
    plot_init(&p, 760, 460, title, "demonstrations N (log scale)",
              success ? "success rate" : "score (mean of per-episode max reward)");
    p.x.log = 1, p.x.fixed = 1, p.x.min = x0, p.x.max = x1;
    p.y.fixed = 1, p.y.min = 0, p.y.max = 1;
    PlotSeries *s = plot_add(&p, "heldout", "held-out starts: mean, 95% interval", report_colour(0), N, m, ns,
                             PLOT_LINE | PLOT_MARKERS | PLOT_ERRBARS);
    s->lo = lo, s->hi = hi;
    if (nd == ns) {
        s = plot_add(&p, "dp", "DP test seeds: mean, 95% interval", report_colour(4), N, dm, ns,
                     PLOT_LINE | PLOT_MARKERS | PLOT_ERRBARS);
        s->lo = dlo, s->hi = dhi, s->dash = 1;
    }
    if (nc) plot_add(&p, "runs", "each run (held-out)", 0x7f7f7f, rx, ry, nc, PLOT_MARKERS);
    if (nu) plot_add(&p, "rising", "runs not converged", report_colour(1), ux, uy, nu, PLOT_MARKERS);
    if (isfinite(fit->a)) {
        study_fit_curve(fit, x0, x1, 64, fx, fy);
        if (isfinite(fit->b_lo))
            snprintf(flabel, sizeof flabel, "fit 1 - %s = %.3g N^%.3f (b in %.3f..%.3f)", success ? "success" : "score",
                     fit->a, -fit->b, fit->b_lo, fit->b_hi);
        else
            snprintf(flabel, sizeof flabel, "fit 1 - %s = %.3g N^%.3f", success ? "success" : "score", fit->a, -fit->b);
        plot_add(&p, "fit", flabel, 0x333333, fx, fy, 64, PLOT_LINE)->dash = 1;
    }
    int rc = plot_png_write(&p, path);
    free(col);
    return rc;
}

/* one panel per N: every seed's training evaluations and its scored checkpoints (held-out) */
static int study_plot_curves(const char *path, const StudyRun *runs, const StudySize *sz, int ns) {
    Plot *pl = fc_calloc((size_t)ns, sizeof *pl);
    char(*titles)[128] = fc_calloc((size_t)ns, sizeof *titles);
    char(*labels)[PLOT_MAX_SERIES / 2][64] = fc_calloc((size_t)ns, sizeof *labels);
    char(*probe_label)[64] = fc_calloc((size_t)ns, sizeof *probe_label);
    double *hx = fc_calloc((size_t)sz[ns - 1].first + (size_t)sz[ns - 1].count, STUDY_MAX_CKPTS * sizeof(double));
    double *hy = fc_calloc((size_t)sz[ns - 1].first + (size_t)sz[ns - 1].count, STUDY_MAX_CKPTS * sizeof(double));
    for (int i = 0; i < ns; i++) {
        const StudySize *z = &sz[i];
        snprintf(titles[i], sizeof titles[i], "N = %d: %d of %d runs converged", z->n, z->converged, z->count);
        plot_init(&pl[i], 400, 270, titles[i], "step (dots: held-out score of the scored checkpoints)",
                  "training evaluation score");
        pl[i].y.fixed = 1, pl[i].y.min = 0, pl[i].y.max = 1;
        for (int k = 0; k < z->count && 2 * k + 3 < PLOT_MAX_SERIES; k++) {
            const StudyRun *r = &runs[z->first + k];
            uint32_t c = report_colour(k);
            snprintf(labels[i][k], 64, "seed %d%s", r->seed, r->converged ? "" : " (not converged)");
            PlotSeries *s = plot_add(&pl[i], "train", labels[i][k], c, r->eval_step, r->eval_score, r->n_eval,
                                     PLOT_LINE | PLOT_MARKERS);
            s->dash = !r->converged;
            int kh = r->held.k < STUDY_MAX_CKPTS ? r->held.k : STUDY_MAX_CKPTS;
            double *x = hx + (size_t)(z->first + k) * STUDY_MAX_CKPTS,
                   *y = hy + (size_t)(z->first + k) * STUDY_MAX_CKPTS;
            for (int j = 0; j < kh; j++) x[j] = r->held.ckpt_step[j], y[j] = r->held.ckpt_score[j];
            plot_add(&pl[i], "held", NULL, c, x, y, kh, PLOT_MARKERS);
        }
        if (z->probe && pl[i].n_series + 2 <= PLOT_MAX_SERIES) {
            const StudyRun *r = z->probe;
            snprintf(probe_label[i], sizeof probe_label[i], "seed %d, %dx budget (probe)", r->seed, r->scale);
            plot_add(&pl[i], "probe", probe_label[i], 0x555555, r->eval_step, r->eval_score, r->n_eval, PLOT_LINE)
                ->dash = 1;
            int kh = r->held.k < STUDY_MAX_CKPTS ? r->held.k : STUDY_MAX_CKPTS;
            plot_add(&pl[i], "probe_held", NULL, 0x555555, r->held.ckpt_step, r->held.ckpt_score, kh, PLOT_MARKERS);
        }
    }
    int rc = plot_png_write_grid(pl, ns, ns < 3 ? ns : 3, path);
    free(pl);
    free(titles);
    free(labels);
    free(probe_label);
    free(hx);
    free(hy);
    return rc;
}

int study_summary_write(const char *dir, const char *prefix_in, double tol, int quiet) {
    char prefix[4300];
    snprintf(prefix, sizeof prefix, "%s/study", dir);
    if (prefix_in) snprintf(prefix, sizeof prefix, "%s", prefix_in);
    DIR *d = opendir(dir);
    if (!d) return fc_set_error("%s: cannot open the study directory", dir);
    StudyRun *runs = fc_calloc(STUDY_MAX_RUNS, sizeof *runs), *probes = fc_calloc(STUDY_MAX_RUNS, sizeof *probes);
    int nr = 0, np = 0, unfinished = 0, rc = FC_OK;
    struct dirent *e;
    while ((e = readdir(d)) && rc == FC_OK) {
        int n, s, used = 0, scale = 1, used2 = 0;
        if (sscanf(e->d_name, "N%d_s%d%n", &n, &s, &used) != 2) continue;
        if (e->d_name[used] != '\0' &&
            (sscanf(e->d_name + used, "_x%d%n", &scale, &used2) != 1 || e->d_name[used + used2] != '\0' || scale < 2))
            continue;
        char task[4600];
        snprintf(task, sizeof task, "%s/%s/study/task.json", dir, e->d_name);
        FILE *f = fopen(task, "r");
        if (!f) {
            unfinished++;
            continue;
        }
        fclose(f);
        if (nr == STUDY_MAX_RUNS || np == STUDY_MAX_RUNS) {
            rc = fc_set_error("%s: more than %d runs", dir, STUDY_MAX_RUNS);
            break;
        }
        StudyRun *r = scale > 1 ? &probes[np++] : &runs[nr++];
        r->n = n, r->seed = s, r->scale = scale;
        snprintf(r->dir, sizeof r->dir, "%s/%s", dir, e->d_name);
        rc = study_run_read(r, tol);
    }
    closedir(d);
    if (rc == FC_OK && nr == 0)
        rc = fc_set_error("%s: no finished run (N<N>_s<seed>/study/task.json); %d unfinished", dir, unfinished);
    StudySize *sz = fc_calloc((size_t)nr + 1, sizeof *sz);
    int ns = 0;
    StudyPowerFit fs = {0}, fu = {0};
    if (rc == FC_OK) {
        qsort(runs, (size_t)nr, sizeof *runs, study_run_cmp);
        for (int i = 0; i < nr; i++) {
            if (ns == 0 || sz[ns - 1].n != runs[i].n) sz[ns++] = (StudySize){.n = runs[i].n, .first = i};
            StudySize *z = &sz[ns - 1];
            if (runs[i].held.nj != runs[z->first].held.nj ||
                runs[i].held.first_seed != runs[z->first].held.first_seed) {
                rc =
                    fc_set_error("%s and %s were scored on different held-out starts", runs[z->first].dir, runs[i].dir);
                break;
            }
            z->count++;
            z->converged += runs[i].converged;
        }
    }
    /* budget probes: a size whose probe gains more than tol over the run it repeats is not converged */
    for (int i = 0; rc == FC_OK && i < ns; i++) {
        StudySize *z = &sz[i];
        z->probe_gain = NAN;
        for (int k = 0; k < np; k++) {
            if (probes[k].n != z->n) continue;
            for (int j = 0; j < z->count; j++) {
                if (runs[z->first + j].seed != probes[k].seed) continue;
                z->probe = &probes[k];
                z->probe_gain = probes[k].score.mean - runs[z->first + j].score.mean;
            }
        }
        z->converged = 0;
        for (int j = 0; j < z->count; j++) {
            StudyRun *r = &runs[z->first + j];
            r->probe_gain = z->probe_gain;
            if (z->probe && z->probe_gain > tol) r->converged = 0;
            z->converged += r->converged;
        }
    }
    double *rn = fc_calloc((size_t)nr + 1, sizeof(double)), *rs = fc_calloc((size_t)nr + 1, sizeof(double));
    double *ru = fc_calloc((size_t)nr + 1, sizeof(double));
    if (rc == FC_OK) {
        for (int i = 0; i < ns; i++) {
            StudySize *z = &sz[i];
            z->score = study_size_interval(runs, z, 0, 0);
            z->success = study_size_interval(runs, z, 0, 1);
            int dp_all = 1;
            for (int k = 0; k < z->count; k++) dp_all &= runs[z->first + k].dp.k > 0;
            z->dp_score = dp_all ? study_size_interval(runs, z, 1, 0) : (StudyInterval){NAN, NAN, NAN, NAN, 0};
            z->dp_success = dp_all ? study_size_interval(runs, z, 1, 1) : (StudyInterval){NAN, NAN, NAN, NAN, 0};
            double m = 0, mm = 0, q = 0, qq = 0;
            z->lo = 1e30, z->hi = -1e30;
            for (int k = 0; k < z->count; k++) {
                double v = runs[z->first + k].score.mean, u = runs[z->first + k].success.mean;
                m += v, mm += v * v, q += u, qq += u * u;
                z->lo = fmin(z->lo, v), z->hi = fmax(z->hi, v);
            }
            m /= z->count, q /= z->count;
            z->sd = z->count > 1 ? sqrt(fmax(0, (mm - z->count * m * m) / (z->count - 1))) : 0;
            z->succ_sd = z->count > 1 ? sqrt(fmax(0, (qq - z->count * q * q) / (z->count - 1))) : 0;
        }
        for (int i = 0; i < nr; i++) rn[i] = runs[i].n, rs[i] = runs[i].score.mean, ru[i] = runs[i].success.mean;
        if (study_fit_power(rn, rs, nr, 1e-4, &fs) != FC_OK) fs.a = NAN;
        if (study_fit_power(rn, ru, nr, 1e-3, &fu) != FC_OK) fu.a = NAN;
        rc = study_write_csvs(prefix, runs, nr, sz, ns, &fs, &fu);
    }
    char path[4500];
    if (rc == FC_OK) {
        snprintf(path, sizeof path, "%s_score.png", prefix);
        rc = study_plot_vs_n(path, runs, nr, sz, ns, 0, &fs);
    }
    if (rc == FC_OK) {
        snprintf(path, sizeof path, "%s_success.png", prefix);
        rc = study_plot_vs_n(path, runs, nr, sz, ns, 1, &fu);
    }
    if (rc == FC_OK) {
        snprintf(path, sizeof path, "%s_curves.png", prefix);
        rc = study_plot_curves(path, runs, sz, ns);
    }
    if (rc == FC_OK && report_study_write(dir, prefix, NULL, NULL) != FC_OK)
        fc_log("warning: the study page: %s", fc_last_error());
    if (rc == FC_OK && !quiet) {
        fprintf(stderr, "%-6s %5s %-22s %-22s %-9s %s\n", "N", "runs", "score (95% interval)", "success (95%)",
                "DP score", "converged");
        for (int i = 0; i < ns; i++)
            fprintf(stderr, "%-6d %5d %.3f (%.3f..%.3f)    %.3f (%.3f..%.3f)    %-9.3f %d/%d\n", sz[i].n, sz[i].count,
                    sz[i].score.mean, sz[i].score.lo, sz[i].score.hi, sz[i].success.mean, sz[i].success.lo,
                    sz[i].success.hi, sz[i].dp_score.mean, sz[i].converged, sz[i].count);
        if (isfinite(fs.a))
            fprintf(stderr, "fit: 1 - score = %.4g N^%.4f (b 95%%: %.4f..%.4f, R^2 %.3f, %d runs)\n", fs.a, -fs.b,
                    fs.b_lo, fs.b_hi, fs.r2, fs.n);
        for (int i = 0; i < ns; i++)
            if (sz[i].probe)
                fprintf(stderr, "budget probe N=%d: seed %d at %.0f steps scores %+.3f against %.0f steps\n", sz[i].n,
                        sz[i].probe->seed, sz[i].probe->steps, sz[i].probe_gain, runs[sz[i].first].steps);
        for (int i = 0; i < nr; i++)
            if (!runs[i].converged)
                fprintf(stderr,
                        "NOT CONVERGED: N=%d seed %d (training evals %+.3f over the last 3, held-out checkpoints "
                        "%+.3f, budget probe %+.3f; tolerance %.3f)\n",
                        runs[i].n, runs[i].seed, runs[i].gain_train, runs[i].gain_heldout, runs[i].probe_gain, tol);
        if (unfinished) fprintf(stderr, "%d run(s) not finished yet are left out\n", unfinished);
        fprintf(stderr, "wrote %s.csv, %s_summary.csv, %s_fit.csv, %s_{score,success,curves}.png, %s/report.html\n",
                prefix, prefix, prefix, prefix, dir);
    }
    for (int i = 0; i < nr; i++) {
        study_eval_free(&runs[i].held);
        study_eval_free(&runs[i].dp);
        free(runs[i].eval_step);
        free(runs[i].eval_score);
    }
    for (int i = 0; i < np; i++) {
        study_eval_free(&probes[i].held);
        study_eval_free(&probes[i].dp);
        free(probes[i].eval_step);
        free(probes[i].eval_score);
    }
    free(runs);
    free(probes);
    free(sz);
    free(rn);
    free(rs);
    free(ru);
    return rc;
}

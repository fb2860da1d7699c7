/* report_run.c: the report of one run (see report.h): identity, headline numbers, the curves
 * (loss, evaluation with its spread, throughput), the best and last evaluations, the per-start
 * scores of eval.json with the worst and best starts, the rollout GIFs of the run directory and
 * the checkpoints. Also the trainer's refresh hook and the learning-curve PNG. */
#include "report.h"
#include "flowchunk/check.h"
#include "flowchunk/mlp.h"
#include "flowchunk/optim.h"
#include "flowchunk/policy.h"
#include "progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *report_base(const char *dir) {
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    static char buf[256];
    size_t s = n;
    while (s > 0 && dir[s - 1] != '/') s--;
    snprintf(buf, sizeof buf, "%.*s", (int)(n - s), dir + s);
    return buf;
}

static double report_jnum(const cJSON *o, const char *key) {
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *report_jstr(const cJSON *o, const char *key, const char *dflt) {
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

static void report_identity(Sbuf *b, const RunLog *r) {
    sbuf_put(b, "<h2>Run</h2>\n<table id=\"identity\">\n");
    report_kv(b, "status", "%s", runlog_status(r));
    report_kv(b, "command", "%s", report_jstr(r->run, "command", "(not recorded: run.json is missing)"));
    report_kv(b, "commit", "%s", report_jstr(r->run, "commit", "?"));
    report_kv(b, "host, started", "%s, %s", report_jstr(r->run, "host", "?"), report_jstr(r->run, "started", "?"));
    double ranks = report_jnum(r->run, "ranks"), tr = report_jnum(r->run, "trainers"), ev = report_jnum(r->run, "evaluators");
    if (isfinite(ranks)) report_kv(b, "topology", "%.0f MPI ranks: %.0f trainers, %.0f evaluators", ranks, tr, ev);
    const char *prec = r->has_meta && r->meta.precision[0] ? r->meta.precision : "fp32";
    report_kv(b, "precision", "%s matrix products%s%s%s; float32 weights, gradients and AdamW moments; rollouts on float64 "
              "Chipmunk2D physics", prec, r->has_meta && r->meta.gemm[0] ? " (" : "", r->has_meta ? r->meta.gemm : "",
              r->has_meta && r->meta.gemm[0] ? ")" : "");
    if (r->has_meta) {
        const CkptMeta *m = &r->meta;
        report_kv(b, "data", "%s", m->windows);
        report_kv(b, "window spec", "obs %s x To=%d frames, horizon H=%d, Ta=%d from offset %d, pad %s; %lld windows",
                  pusht_obs_kind_name(m->protocol.obs_kind), m->protocol.obs_steps, m->policy.horizon,
                  m->protocol.n_action_steps, m->protocol.action_offset, m->pad,
                  (long long)m->n_windows);
        report_kv(b, "policy", "%s, MLP %d x %d %s, time %s, %d Euler steps at inference", policy_kind_name(m->policy.kind),
                  m->policy.depth, m->policy.hidden, mlp_activation_name(m->policy.act),
                  policy_time_embed_name(m->policy.time_embed), m->protocol.flow_steps);
        const OptimConfig *o = &m->optim;
        report_kv(b, "recipe", "%s lr %g wd %g, warmup %lld, cosine to step %lld; batch %d (%d shards); EMA %s; seed %llu",
                  optim_kind_name(o->kind), o->lr, o->weight_decay, (long long)o->warmup_steps,
                  (long long)m->total_steps, m->batch, m->virtual_shards, m->ema ? "on" : "off",
                  (unsigned long long)m->seed);
    } else {
        report_kv(b, "recipe", "no checkpoint yet (latest.h5 holds the recipe)");
    }
    sbuf_put(b, "</table>\n");
}

static void report_card(Sbuf *b, const char *id, const char *value, const char *what) {
    sbuf_printf(b, "<div class=\"card\" id=\"%s\"><b>", id);
    sbuf_put_html(b, value);
    sbuf_put(b, "</b><span>");
    sbuf_put_html(b, what);
    sbuf_put(b, "</span></div>\n");
}

static void report_cards(Sbuf *b, const RunLog *r) {
    char v[64], w[128];
    sbuf_put(b, "<div class=\"cards\">\n");
    int best = runlog_best_eval(r);
    if (best >= 0) {
        snprintf(v, sizeof v, "%.3f", r->eval_score[best]);
        snprintf(w, sizeof w, "best eval score (step %.0f, success %.2f)", r->eval_step[best], r->eval_success[best]);
        report_card(b, "card-best", v, w);
        int last = r->n_eval - 1;
        snprintf(v, sizeof v, "%.3f", r->eval_score[last]);
        snprintf(w, sizeof w, "last eval score (step %.0f)", r->eval_step[last]);
        report_card(b, "card-last", v, w);
    } else {
        report_card(b, "card-best", "-", "no evaluation yet");
    }
    if (r->loss.n > 0) {
        snprintf(v, sizeof v, "%.4g", r->loss.y[r->loss.n - 1]);
        snprintf(w, sizeof w, "training loss at step %.0f", r->loss.x[r->loss.n - 1]);
        report_card(b, "card-loss", v, w);
    }
    double sps = report_jnum(r->summary, "samples_per_s"), wall = report_jnum(r->summary, "wall_s");
    if (isfinite(sps)) {
        snprintf(v, sizeof v, "%.0f", sps);
        report_card(b, "card-sps", v, "samples/s (whole run)");
    }
    if (isfinite(wall)) {
        snprintf(v, sizeof v, "%.1f min", wall / 60);
        report_card(b, "card-wall", v, "training wall time");
    }
    sbuf_put(b, "</div>\n");
}

static void report_eval_row(Sbuf *b, const RunLog *r, int i, const char *what) {
    sbuf_printf(b, "<tr><th>%s</th><td class=\"num\">%.0f</td><td class=\"num\">%.4f</td>", what, r->eval_step[i],
                r->eval_score[i]);
    if (isfinite(r->eval_std[i])) sbuf_printf(b, "<td class=\"num\">%.4f</td>", r->eval_std[i]);
    else sbuf_put(b, "<td class=\"num\">-</td>");
    sbuf_printf(b, "<td class=\"num\">%.2f</td><td class=\"num\">%.4f</td><td class=\"num\">%.2f</td>"
                   "<td class=\"num\">%.1f</td></tr>\n",
                r->eval_success[i], r->eval_coverage[i], r->eval_rps[i], r->eval_seconds[i]);
}

static int report_cmp_reward(const void *a, const void *b, void *ctx) {
    const double *v = ctx;
    int i = *(const int *)a, j = *(const int *)b;
    return v[i] < v[j] ? -1 : v[i] > v[j] ? 1 : i - j;
}

/* eval.json (flowchunk eval --json): per-start max reward; the worst and best five starts */
static void report_per_start(Sbuf *b, const RunLog *r) {
    const cJSON *seeds = cJSON_GetObjectItemCaseSensitive(r->eval, "seeds");
    const cJSON *mr = cJSON_GetObjectItemCaseSensitive(r->eval, "max_reward");
    const cJSON *su = cJSON_GetObjectItemCaseSensitive(r->eval, "success");
    int n = cJSON_GetArraySize(seeds);
    if (!cJSON_IsArray(seeds) || !cJSON_IsArray(mr) || cJSON_GetArraySize(mr) != n || n == 0) return;
    double *v = fc_malloc((size_t)n * sizeof(double)), *sd = fc_malloc((size_t)n * sizeof(double));
    int *ord = fc_malloc((size_t)n * sizeof(int)), *ok = fc_malloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) {
        v[i] = cJSON_GetArrayItem(mr, i)->valuedouble;
        sd[i] = cJSON_GetArrayItem(seeds, i)->valuedouble;
        ok[i] = cJSON_IsTrue(cJSON_GetArrayItem(su, i));
        ord[i] = i;
    }
    qsort_r(ord, (size_t)n, sizeof(int), report_cmp_reward, v);
    sbuf_printf(b, "<h3>Per start: <code>");
    sbuf_put_html(b, report_jstr(r->eval, "checkpoint", "eval.json"));
    sbuf_printf(b, "</code> (step %.0f, %s weights): score %.4f, success %.2f over %d starts</h3>\n",
                report_jnum(r->eval, "step"), report_jstr(r->eval, "weights", "?"), report_jnum(r->eval, "score"),
                report_jnum(r->eval, "success_rate"), n);
    sbuf_put(b, "<table class=\"seeds\" id=\"per-start\"><tr><th>start seed</th>");
    for (int i = 0; i < n; i++) sbuf_printf(b, "<td>%.0f</td>", sd[i]);
    sbuf_put(b, "</tr><tr><th>max reward</th>");
    for (int i = 0; i < n; i++) {
        int g = (int)lround(255 * (v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i]));
        /* red (0) to green (1) */
        sbuf_printf(b, "<td style=\"background:rgb(%d,%d,%d)\">%.2f%s</td>", 248 - g / 4, 205 + g / 7, 200, v[i],
                    ok[i] ? "&#10003;" : "");
    }
    sbuf_put(b, "</tr></table>\n<table id=\"worst-starts\"><tr><th>worst starts</th>");
    int k = n < 5 ? n : 5;
    for (int i = 0; i < k; i++) sbuf_printf(b, "<td>seed %.0f: %.3f</td>", sd[ord[i]], v[ord[i]]);
    sbuf_put(b, "</tr><tr><th>best starts</th>");
    for (int i = 0; i < k; i++) sbuf_printf(b, "<td>seed %.0f: %.3f</td>", sd[ord[n - 1 - i]], v[ord[n - 1 - i]]);
    sbuf_put(b, "</tr></table>\n");
    free(v);
    free(sd);
    free(ord);
    free(ok);
}

static void report_evaluations(Sbuf *b, const RunLog *r) {
    sbuf_put(b, "<h2>Evaluations</h2>\n");
    int best = runlog_best_eval(r);
    if (best < 0) {
        sbuf_put(b, "<p id=\"no-eval\">No evaluation yet.</p>\n");
    } else {
        sbuf_printf(b, "<table id=\"eval-table\"><tr><th></th><th>step</th><th>score</th><th>std over noise draws</th>"
                       "<th>success</th><th>mean max coverage</th><th>rollouts/s</th><th>seconds</th></tr>\n");
        report_eval_row(b, r, best, "best");
        report_eval_row(b, r, r->n_eval - 1, "last");
        sbuf_printf(b, "</table>\n<p class=\"sub\">%d evaluations logged; the best one's weights are best.h5.</p>\n",
                    r->n_eval);
    }
    if (r->eval) report_per_start(b, r);
    else sbuf_put(b, "<p class=\"sub\">Per-start scores: run <code>flowchunk eval RUN_DIR/best.h5 --json &gt; "
                     "RUN_DIR/eval.json</code> and the report lists them.</p>\n");
}

static void report_rollouts(Sbuf *b, const RunLog *r) {
    sbuf_put(b, "<h2>Rollouts</h2>\n");
    if (r->n_gifs == 0) {
        sbuf_put(b, "<p class=\"sub\">No GIF in the run directory: <code>flowchunk eval RUN_DIR/best.h5 --gif "
                    "RUN_DIR/rollouts.gif --gif-episodes best,worst</code> renders the best and the worst start.</p>\n");
        return;
    }
    for (int i = 0; i < r->n_gifs; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", r->dir, r->gifs[i]);
        sbuf_put(b, "<figure class=\"rollout\">");
        report_embed_image(b, path, "image/gif", r->gifs[i]);
        sbuf_put(b, "<figcaption>");
        sbuf_put_html(b, r->gifs[i]);
        sbuf_put(b, "</figcaption></figure>\n");
    }
}

static void report_checkpoints(Sbuf *b, const RunLog *r) {
    sbuf_put(b, "<h2>Checkpoints</h2>\n<table id=\"checkpoints\"><tr><th>file</th><th>step</th><th>MB</th></tr>\n");
    for (int i = 0; i < r->n_ckpts; i++) {
        const RunFile *f = &r->ckpts[i];
        sbuf_put(b, "<tr><td><code>");
        sbuf_put_html(b, f->name);
        if (f->step >= 0) sbuf_printf(b, "</code></td><td class=\"num\">%lld</td>", (long long)f->step);
        else sbuf_put(b, "</code></td><td class=\"num\">-</td>");
        sbuf_printf(b, "<td class=\"num\">%.1f</td></tr>\n", f->bytes / 1e6);
    }
    sbuf_put(b, "</table>\n");
}

/* the three charts of one run, drawn into b */
static void report_run_charts(Sbuf *b, const RunLog *r) {
    sbuf_put(b, "<h2>Curves</h2>\n<div class=\"plots\">\n");
    Plot p;
    plot_init(&p, 560, 330, "training loss", "step", "loss (log scale)");
    p.y.log = 1;
    report_plot_loss(&p, r, "", "", report_colour(0));
    plot_svg(b, &p);
    double *lo = fc_malloc((size_t)(r->n_eval + 1) * sizeof(double)), *hi = fc_malloc((size_t)(r->n_eval + 1) * sizeof(double));
    plot_init(&p, 560, 330, "evaluation", "step", "score / success rate");
    p.y.fixed = 1, p.y.min = 0, p.y.max = 1;
    p.x.fixed = r->loss.n > 0, p.x.min = 0, p.x.max = r->loss.n > 0 ? r->loss.x[r->loss.n - 1] : 1;
    report_plot_eval(&p, r, "", "", report_colour(1), 1, lo, hi);
    plot_svg(b, &p);
    free(lo);
    free(hi);
    plot_init(&p, 560, 330, "throughput", "step", "samples/s (global)");
    report_plot_throughput(&p, r, "", "", report_colour(3));
    plot_svg(b, &p);
    sbuf_put(b, "</div>\n");
}

int report_run_write(const char *run_dir, const char *out) {
    RunLog r;
    if (runlog_init(&r, run_dir) != FC_OK) return FC_ERR;
    Sbuf b = {0};
    char title[300], sub[4400];
    snprintf(title, sizeof title, "flowchunk run %s", report_base(run_dir));
    snprintf(sub, sizeof sub, "%s", run_dir);
    report_page_begin(&b, title, sub);
    report_metrics_note(&b, &r);
    report_cards(&b, &r);
    report_run_charts(&b, &r);
    report_identity(&b, &r);
    report_evaluations(&b, &r);
    report_rollouts(&b, &r);
    report_checkpoints(&b, &r);
    report_page_end(&b);
    char path[4400];
    if (!out) snprintf(path, sizeof path, "%s/report.html", run_dir);
    int rc = sbuf_write_atomic(&b, out ? out : path);
    sbuf_free(&b);
    runlog_free(&r);
    return rc;
}

double report_refresh(const char *run_dir) {
    double t0 = progress_now();
    if (report_run_write(run_dir, NULL) != FC_OK) fc_log("warning: report.html not refreshed: %s", fc_last_error());
    return progress_now() - t0;
}

int report_curve_png(const char *run_dir, const char *png, const char *title) {
    RunLog r;
    if (runlog_init(&r, run_dir) != FC_OK) return FC_ERR;
    if (r.loss.n == 0) {
        runlog_free(&r);
        return fc_set_error("%s/metrics.jsonl: no training steps logged", run_dir);
    }
    double *lo = fc_malloc((size_t)(r.n_eval + 1) * sizeof(double)), *hi = fc_malloc((size_t)(r.n_eval + 1) * sizeof(double));
    Plot p;
    plot_init(&p, 1000, 600, title, "step", "training loss (log scale)");
    p.y.log = 1;
    p.y2.label = "evaluation score / success rate";
    p.y2.fixed = 1, p.y2.min = 0, p.y2.max = 1;
    report_plot_loss(&p, &r, "", "", report_colour(0));
    int first_eval = p.n_series;
    report_plot_eval(&p, &r, "", "", report_colour(1), 1, lo, hi);
    for (int i = first_eval; i < p.n_series; i++) p.s[i].right = 1;
    int rc = plot_png_write(&p, png);
    free(lo);
    free(hi);
    runlog_free(&r);
    return rc;
}

/* report_compare.c: several runs on one page (see report.h): their loss, evaluation and
 * throughput curves overlaid in one colour per run, and their configs and results side by side
 * with the rows that differ highlighted: the comparison a person makes when tuning a recipe. */
#include "report.h"
#include "flowchunk/check.h"
#include "flowchunk/mlp.h"
#include "flowchunk/optim.h"
#include "flowchunk/policy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_RUNS 10
#define REPORT_CELL 512

/* one config row: the value of every run */
typedef struct {
    const char *key;
    char v[REPORT_MAX_RUNS][REPORT_CELL];
} CompareRow;

static const char *compare_str(const cJSON *o, const char *key) {
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : "-";
}

static double compare_num(const cJSON *o, const char *key) {
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* fills row k of every run; returns the number of rows */
static int compare_rows(CompareRow *rows, const RunLog *r, int n) {
    static const char *KEYS[] = {"command", "commit", "status", "topology", "windows file", "window spec",
                                 "policy", "optimiser", "schedule", "batch", "EMA", "seed", "best score",
                                 "last score", "final training loss", "samples/s", "wall time"};
    int nk = (int)(sizeof KEYS / sizeof KEYS[0]);
    for (int k = 0; k < nk; k++) rows[k].key = KEYS[k];
    for (int i = 0; i < n; i++) {
        const RunLog *x = &r[i];
        const CkptMeta *m = &x->meta;
        int hm = x->has_meta;
        snprintf(rows[0].v[i], REPORT_CELL, "%s", compare_str(x->run, "command"));
        snprintf(rows[1].v[i], REPORT_CELL, "%s", compare_str(x->run, "commit"));
        snprintf(rows[2].v[i], REPORT_CELL, "%s", runlog_status(x));
        snprintf(rows[3].v[i], REPORT_CELL, "%.0f trainers, %.0f evaluators", compare_num(x->run, "trainers"),
                 compare_num(x->run, "evaluators"));
        snprintf(rows[4].v[i], REPORT_CELL, "%s", hm ? m->windows : "-");
        if (hm)
            snprintf(rows[5].v[i], REPORT_CELL, "%s x %d, H %d, Ta %d, pad %s, %lld windows",
                     pusht_obs_kind_name(m->protocol.obs_kind), m->protocol.obs_steps, m->policy.horizon,
                     m->protocol.n_action_steps, m->pad, (long long)m->n_windows);
        else snprintf(rows[5].v[i], REPORT_CELL, "-");
        if (hm)
            snprintf(rows[6].v[i], REPORT_CELL, "%s, %d x %d %s, time %s, %d flow steps", policy_kind_name(m->policy.kind),
                     m->policy.depth, m->policy.hidden, mlp_activation_name(m->policy.act),
                     policy_time_embed_name(m->policy.time_embed), m->protocol.flow_steps);
        else snprintf(rows[6].v[i], REPORT_CELL, "-");
        if (hm)
            snprintf(rows[7].v[i], REPORT_CELL, "%s lr %g wd %g", optim_kind_name(m->optim.kind), m->optim.lr,
                     m->optim.weight_decay);
        else snprintf(rows[7].v[i], REPORT_CELL, "-");
        if (hm)
            snprintf(rows[8].v[i], REPORT_CELL, "warmup %lld, %lld steps", (long long)m->optim.warmup_steps,
                     (long long)m->total_steps);
        else snprintf(rows[8].v[i], REPORT_CELL, "-");
        if (hm) snprintf(rows[9].v[i], REPORT_CELL, "%d (%d shards)", m->batch, m->virtual_shards);
        else snprintf(rows[9].v[i], REPORT_CELL, "-");
        snprintf(rows[10].v[i], REPORT_CELL, "%s", hm ? (m->ema ? "on" : "off") : "-");
        if (hm) snprintf(rows[11].v[i], REPORT_CELL, "%llu", (unsigned long long)m->seed);
        else snprintf(rows[11].v[i], REPORT_CELL, "-");
        int b = runlog_best_eval(x);
        if (b >= 0) {
            snprintf(rows[12].v[i], REPORT_CELL, "%.4f (step %.0f)", x->eval_score[b], x->eval_step[b]);
            snprintf(rows[13].v[i], REPORT_CELL, "%.4f (step %.0f)", x->eval_score[x->n_eval - 1],
                     x->eval_step[x->n_eval - 1]);
        } else {
            snprintf(rows[12].v[i], REPORT_CELL, "-");
            snprintf(rows[13].v[i], REPORT_CELL, "-");
        }
        if (x->loss.n > 0) snprintf(rows[14].v[i], REPORT_CELL, "%.5g", x->loss.y[x->loss.n - 1]);
        else snprintf(rows[14].v[i], REPORT_CELL, "-");
        snprintf(rows[15].v[i], REPORT_CELL, "%.0f", compare_num(x->summary, "samples_per_s"));
        snprintf(rows[16].v[i], REPORT_CELL, "%.1f min", compare_num(x->summary, "wall_s") / 60);
    }
    return nk;
}

static void compare_table(Sbuf *b, const RunLog *r, const char *const *dirs, int n) {
    CompareRow *rows = fc_calloc(32, sizeof(CompareRow));
    int nk = compare_rows(rows, r, n);
    sbuf_put(b, "<h2>Configs and results (rows that differ are highlighted)</h2>\n<table id=\"config-diff\"><tr><th></th>");
    for (int i = 0; i < n; i++) {
        sbuf_printf(b, "<th style=\"color:#%06x\"><a href=\"", (unsigned)report_colour(i));
        sbuf_put_html(b, dirs[i]);
        sbuf_put(b, "/report.html\">");
        sbuf_put_html(b, dirs[i]);
        sbuf_put(b, "</a></th>");
    }
    sbuf_put(b, "</tr>\n");
    for (int k = 0; k < nk; k++) {
        int differ = 0;
        for (int i = 1; i < n; i++) differ |= strcmp(rows[k].v[i], rows[k].v[0]) != 0;
        sbuf_printf(b, "<tr%s><th>", differ ? " class=\"diff\"" : "");
        sbuf_put_html(b, rows[k].key);
        sbuf_put(b, "</th>");
        for (int i = 0; i < n; i++) {
            sbuf_put(b, k == 0 ? "<td><code>" : "<td>");
            sbuf_put_html(b, rows[k].v[i]);
            sbuf_put(b, k == 0 ? "</code></td>" : "</td>");
        }
        sbuf_put(b, "</tr>\n");
    }
    sbuf_put(b, "</table>\n");
    free(rows);
}

int report_compare_write(const char *const *run_dirs, int n, const char *out) {
    if (n > REPORT_MAX_RUNS) return fc_set_error("at most %d runs fit one comparison, got %d", REPORT_MAX_RUNS, n);
    RunLog *r = fc_calloc((size_t)n, sizeof(RunLog));
    for (int i = 0; i < n; i++)
        if (runlog_init(&r[i], run_dirs[i]) != FC_OK) {
            for (int j = 0; j < i; j++) runlog_free(&r[j]);
            free(r);
            return FC_ERR;
        }
    Sbuf b = {0};
    char sub[256];
    snprintf(sub, sizeof sub, "%d runs", n);
    report_page_begin(&b, "flowchunk comparison", sub);
    for (int i = 0; i < n; i++)
        if (r[i].bad_lines || !r[i].has_metrics) {
            sbuf_put(&b, "<p><b>");
            sbuf_put_html(&b, run_dirs[i]);
            sbuf_put(&b, "</b></p>");
            report_metrics_note(&b, &r[i]);
        }
    sbuf_put(&b, "<h2>Curves</h2>\n<div class=\"plots\">\n");
    char tag[REPORT_MAX_RUNS][16];
    char label[REPORT_MAX_RUNS][64]; /* legend: the run directory's last component */
    for (int i = 0; i < n; i++) {
        snprintf(tag[i], sizeof tag[i], "r%d", i);
        const char *slash = strrchr(run_dirs[i], '/');
        snprintf(label[i], sizeof label[i], "%s", slash && slash[1] ? slash + 1 : run_dirs[i]);
    }
    Plot p;
    plot_init(&p, 560, 360, "training loss", "step", "loss (log scale)");
    p.y.log = 1;
    for (int i = 0; i < n; i++) report_plot_loss(&p, &r[i], tag[i], run_dirs[i], report_colour(i));
    plot_svg(&b, &p);
    plot_init(&p, 560, 360, "evaluation score", "step", "score");
    p.y.fixed = 1, p.y.min = 0, p.y.max = 1;
    double *bands = NULL;
    size_t total = 0;
    for (int i = 0; i < n; i++) total += (size_t)r[i].n_eval + 1;
    bands = fc_malloc(2 * total * sizeof(double));
    for (int i = 0, at = 0; i < n; i++) {
        report_plot_eval(&p, &r[i], tag[i], label[i], report_colour(i), 0, bands + at, bands + total + at);
        at += r[i].n_eval + 1;
    }
    plot_svg(&b, &p);
    free(bands);
    plot_init(&p, 560, 360, "throughput", "step", "samples/s (global)");
    for (int i = 0; i < n; i++) report_plot_throughput(&p, &r[i], tag[i], label[i], report_colour(i));
    plot_svg(&b, &p);
    sbuf_put(&b, "</div>\n");
    compare_table(&b, r, run_dirs, n);
    report_page_end(&b);
    int rc = sbuf_write_atomic(&b, out);
    sbuf_free(&b);
    for (int i = 0; i < n; i++) runlog_free(&r[i]);
    free(r);
    return rc;
}

/* report_study.c: the page of a dataset-size study (see report.h) read from what
 * jobs/scaling_summary.sh writes into the study directory: <prefix>_summary.csv (one row per N:
 * episodes,seeds,score_mean,score_std,score_min,score_max,success_mean,success_std) and
 * <prefix>.csv (one row per run: episodes,seed,score,success_rate), next to the run directories
 * N<N>_s<seed>/. Draws score (min..max over seeds) and success (+-std) against N on a log axis
 * with the per-seed points and the least-squares fit score = a + b log10 N, tabulates the runs
 * and writes each run's own report so the links work; the chart can also go to a PNG. The summary
 * of `flowchunk study summary` (jobs/study.sh, src/study_summary.c) is read the same way: its first
 * columns are these; its 95% intervals over seeds and starts replace min..max and +-std, and its
 * power law (<prefix>_fit.csv) replaces the log-linear fit. */
#include "report.h"
#include "flowchunk/check.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STUDY_MAX_ROWS 512

typedef struct {
    int n;
    double v[STUDY_MAX_ROWS][12];
} StudyTable;

/* a CSV of numbers with a header line; FC_OK or FC_ERR + fc_set_error naming the bad line */
static int study_read_csv(const char *path, int cols, StudyTable *t) {
    FILE *f = fopen(path, "r");
    if (!f) return fc_set_error("%s: cannot read", path);
    char line[1024];
    int ln = 0;
    t->n = 0;
    while (fgets(line, sizeof line, f)) {
        if (ln++ == 0 || line[0] == '\n') continue;
        if (t->n == STUDY_MAX_ROWS) break;
        char *p = line;
        int k = 0;
        for (; k < cols; k++) {
            char *end;
            t->v[t->n][k] = strtod(p, &end);
            if (end == p) break;
            p = *end == ',' ? end + 1 : end;
        }
        if (k < cols) {
            fclose(f);
            return fc_set_error("%s:%d: expected %d comma-separated numbers", path, ln, cols);
        }
        t->n++;
    }
    fclose(f);
    if (t->n == 0) return fc_set_error("%s: no rows", path);
    return FC_OK;
}

/* 1 when the header line of the CSV at path has the column name */
static int study_csv_has(const char *path, const char *name) {
    FILE *f = fopen(path, "r");
    char line[1024] = "", key[80];
    if (f) {
        if (!fgets(line, sizeof line, f)) line[0] = 0;
        fclose(f);
    }
    snprintf(key, sizeof key, ",%s,", name);
    line[strcspn(line, "\r\n")] = ',';
    char padded[1100];
    snprintf(padded, sizeof padded, ",%s", line);
    return strstr(padded, key) != NULL;
}

/* the power law 1 - score = a N^-b of a jobs/study.sh study (<prefix>_fit.csv, row "score",
 * flowchunk study summary); FC_OK or FC_ERR when there is none */
static int study_read_power(const char *prefix, double *a, double *b, double *b_lo, double *b_hi) {
    char path[4500], line[512];
    snprintf(path, sizeof path, "%s_fit.csv", prefix);
    FILE *f = fopen(path, "r");
    int rc = FC_ERR;
    while (f && fgets(line, sizeof line, f)) {
        int runs;
        double a_lo, a_hi;
        char *p = strchr(line, ','), *q = p ? strchr(p + 1, ',') : NULL;
        if (strncmp(line, "score,", 6) == 0 && q &&
            sscanf(q + 1, "%d,%lf,%lf,%lf,%lf,%lf,%lf", &runs, a, &a_lo, &a_hi, b, b_lo, b_hi) == 7 && isfinite(*a))
            rc = FC_OK;
    }
    if (f) fclose(f);
    return rc;
}

/* finds <prefix>_summary.csv in dir; prefix (path without "_summary.csv") to out */
static int study_find(const char *dir, char *prefix, size_t n) {
    DIR *d = opendir(dir);
    if (!d) return fc_set_error("%s: cannot open the study directory", dir);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) && !found) {
        size_t len = strlen(e->d_name);
        if (len > 12 && strcmp(e->d_name + len - 12, "_summary.csv") == 0) {
            snprintf(prefix, n, "%s/%.*s", dir, (int)(len - 12), e->d_name);
            found = 1;
        }
    }
    closedir(d);
    if (!found)
        return fc_set_error("%s is not a study directory: no <prefix>_summary.csv in it (jobs/scaling_summary.sh "
                            "writes scaling_summary.csv)",
                            dir);
    return FC_OK;
}

int report_study_is(const char *dir) {
    char prefix[4400];
    return study_find(dir, prefix, sizeof prefix) == FC_OK;
}

/* least squares y = a + b log10(x) over the runs */
static void study_fit(const StudyTable *runs, double *a, double *b) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (int i = 0; i < runs->n; i++) {
        if (runs->v[i][0] <= 0) continue;
        double x = log10(runs->v[i][0]), y = runs->v[i][2];
        sx += x, sy += y, sxx += x * x, sxy += x * y;
        n++;
    }
    double den = n * sxx - sx * sx;
    *b = n > 1 && den > 0 ? (n * sxy - sx * sy) / den : 0;
    *a = n > 0 ? (sy - *b * sx) / n : 0;
}

int report_study_write(const char *study_dir, const char *csv_prefix, const char *out, const char *png) {
    char prefix[4400], path[4500];
    if (csv_prefix) snprintf(prefix, sizeof prefix, "%s", csv_prefix);
    else if (study_find(study_dir, prefix, sizeof prefix) != FC_OK) return FC_ERR;
    StudyTable *sum = fc_malloc(sizeof *sum), *runs = fc_malloc(sizeof *runs);
    snprintf(path, sizeof path, "%s_summary.csv", prefix);
    /* a jobs/study.sh summary adds 95% intervals over seeds and starts (columns 8-11) and a power law */
    int ci = study_csv_has(path, "score_lo");
    int rc = study_read_csv(path, ci ? 12 : 8, sum);
    snprintf(path, sizeof path, "%s.csv", prefix);
    if (rc == FC_OK) rc = study_read_csv(path, 4, runs);
    if (rc != FC_OK) {
        free(sum);
        free(runs);
        return FC_ERR;
    }
    int ns = sum->n, nr = runs->n;
    double *col = fc_malloc((size_t)(7 * ns + 3 * nr + 4) * sizeof(double));
    double *N = col, *mean = N + ns, *lo = mean + ns, *hi = lo + ns, *succ = hi + ns, *slo = succ + ns, *shi = slo + ns;
    double *rx = shi + ns, *ry = rx + nr, fit[48], fx[48];
    for (int i = 0; i < ns; i++) {
        N[i] = sum->v[i][0];
        mean[i] = sum->v[i][2];
        lo[i] = ci ? fmax(sum->v[i][8], 0) : sum->v[i][4];
        hi[i] = ci ? fmin(sum->v[i][9], 1) : sum->v[i][5];
        succ[i] = sum->v[i][6];
        slo[i] = ci ? fmax(sum->v[i][10], 0) : sum->v[i][6] - sum->v[i][7];
        shi[i] = ci ? fmin(sum->v[i][11], 1) : sum->v[i][6] + sum->v[i][7];
    }
    double a, b, pa = 0, pb = 0, pb_lo = 0, pb_hi = 0;
    int power = ci && study_read_power(prefix, &pa, &pb, &pb_lo, &pb_hi) == FC_OK, nfit = power ? 48 : 2;
    study_fit(runs, &a, &b);
    for (int i = 0; i < nfit; i++) {
        fx[i] = exp(log(N[0]) + (log(N[ns - 1]) - log(N[0])) * i / (nfit - 1));
        fit[i] = power ? 1 - pa * pow(fx[i], -pb) : a + b * log10(fx[i]);
    }
    /* per-run points link to each run's report, which is (re)written here */
    char (*href)[4400] = fc_calloc((size_t)nr, sizeof *href), (*tip)[96] = fc_calloc((size_t)nr, sizeof *tip);
    const char **hp = fc_calloc((size_t)nr, sizeof *hp), **tp = fc_calloc((size_t)nr, sizeof *tp);
    int *have = fc_calloc((size_t)nr, sizeof *have);
    for (int i = 0; i < nr; i++) {
        rx[i] = runs->v[i][0];
        ry[i] = runs->v[i][2];
        snprintf(href[i], sizeof href[i], "N%.0f_s%.0f/report.html", runs->v[i][0], runs->v[i][1]);
        snprintf(tip[i], sizeof tip[i], "N=%.0f seed %.0f: score %.3f", runs->v[i][0], runs->v[i][1], runs->v[i][2]);
        char run[4500];
        snprintf(run, sizeof run, "%s/N%.0f_s%.0f", study_dir, runs->v[i][0], runs->v[i][1]);
        have[i] = report_run_write(run, NULL) == FC_OK;
        if (!have[i]) fc_log("warning: no report for %s: %s", run, fc_last_error());
        hp[i] = have[i] ? href[i] : NULL;
        tp[i] = tip[i];
    }

    Sbuf bf = {0};
    char sub[4600];
    snprintf(sub, sizeof sub, "%s: %d dataset sizes, %d runs", study_dir, ns, nr);
    report_page_begin(&bf, "flowchunk dataset-size study", sub);
    sbuf_put(&bf, "<div class=\"plots\">\n");
    Plot p;
    plot_init(&p, 760, 440, "score and success vs number of demonstrations", "demonstration episodes N (log scale)",
              "score (mean max reward) / success rate");
    p.x.log = 1;
    p.x.fixed = 1, p.x.min = N[0] / 1.3, p.x.max = N[ns - 1] * 1.3;
    p.y.fixed = 1, p.y.min = 0, p.y.max = 1;
    const char *score_label =
        ci ? "score: mean, 95% interval over seeds and starts" : "score: mean, min..max over seeds";
    PlotSeries *s = plot_add(&p, "score", score_label, report_colour(1), N, mean, ns,
                             PLOT_LINE | PLOT_MARKERS | PLOT_ERRBARS);
    s->lo = lo, s->hi = hi;
    s = plot_add(&p, "runs", "score per run (click: its report)", 0x7f7f7f, rx, ry, nr, PLOT_MARKERS);
    s->href = hp, s->tip = tp;
    char fit_label[128];
    if (power) snprintf(fit_label, sizeof fit_label, "fit 1 - score = %.3g N^%.3f", pa, -pb);
    else snprintf(fit_label, sizeof fit_label, "fit %.3f %+.3f log10 N", a, b);
    plot_add(&p, "fit", fit_label, 0x444444, fx, fit, nfit, PLOT_LINE)->dash = 1;
    s = plot_add(&p, "success", ci ? "success rate: mean, 95% interval" : "success rate: mean +-std", report_colour(0),
                 N, succ, ns, PLOT_LINE | PLOT_MARKERS | PLOT_ERRBARS);
    s->lo = slo, s->hi = shi, s->dash = 1;
    plot_svg(&bf, &p);
    sbuf_put(&bf, "</div>\n");
    if (png && plot_png_write(&p, png) != FC_OK) fc_log("warning: %s", fc_last_error());
    if (power)
        sbuf_printf(&bf, "<p class=\"sub\" id=\"fit\">Power law over the %d runs: 1 - score = %.4g N^%.4f (b, 95%%: "
                         "%.4f..%.4f; doubling N multiplies the shortfall by %.3f). Intervals: 95%% over seeds and "
                         "starts (study_summary.csv).</p>\n",
                    nr, pa, -pb, pb_lo, pb_hi, pow(2, -pb));
    else
        sbuf_printf(&bf, "<p class=\"sub\" id=\"fit\">Least-squares fit over the %d runs: score = %.4f %+.4f log10 N "
                         "(%+.4f per decade of demonstrations).</p>\n",
                    nr, a, b, b);
    sbuf_put(&bf, "<h2>Per dataset size</h2>\n<table id=\"study-summary\"><tr><th>N</th><th>seeds</th><th>score mean</th>"
                  "<th>std</th><th>min</th><th>max</th><th>success mean</th><th>std</th></tr>\n");
    for (int i = 0; i < ns; i++) {
        sbuf_printf(&bf, "<tr><td class=\"num\">%.0f</td><td class=\"num\">%.0f</td>", sum->v[i][0], sum->v[i][1]);
        for (int k = 2; k < 8; k++) sbuf_printf(&bf, "<td class=\"num\">%.4f</td>", sum->v[i][k]);
        sbuf_put(&bf, "</tr>\n");
    }
    sbuf_put(&bf, "</table>\n<h2>Runs</h2>\n<table id=\"study-runs\"><tr><th>N</th><th>seed</th><th>score</th>"
                  "<th>success</th><th>report</th></tr>\n");
    for (int i = 0; i < nr; i++) {
        sbuf_printf(&bf, "<tr><td class=\"num\">%.0f</td><td class=\"num\">%.0f</td><td class=\"num\">%.4f</td>"
                         "<td class=\"num\">%.2f</td><td>",
                    runs->v[i][0], runs->v[i][1], runs->v[i][2], runs->v[i][3]);
        if (have[i]) {
            sbuf_put(&bf, "<a class=\"run-link\" href=\"");
            sbuf_put_html(&bf, href[i]);
            sbuf_put(&bf, "\">");
            sbuf_put_html(&bf, href[i]);
            sbuf_put(&bf, "</a>");
        } else {
            sbuf_put(&bf, "(no run directory)");
        }
        sbuf_put(&bf, "</td></tr>\n");
    }
    sbuf_put(&bf, "</table>\n");
    report_page_end(&bf);
    char dflt[4500];
    snprintf(dflt, sizeof dflt, "%s/report.html", study_dir);
    rc = sbuf_write_atomic(&bf, out ? out : dflt);
    sbuf_free(&bf);
    free(col);
    free(href);
    free(tip);
    free(hp);
    free(tp);
    free(have);
    free(sum);
    free(runs);
    return rc;
}

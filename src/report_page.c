/* report_page.c: what every report page shares (see report.h): the HTML frame with its inline
 * stylesheet and a Content-Security-Policy that allows only inline styles and data: images (so a
 * report can never fetch anything: no CDN, no font, no script), key-value tables, the charts of
 * a run built from its RunLog, embedded images, and run.json. */
#include "report.h"
#include "flowchunk/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef FC_GIT_COMMIT
#define FC_GIT_COMMIT "unknown"
#endif

static const char REPORT_CSS[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;"
    "background:#f7f7f7;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc;"
    "padding-bottom:4px}.sub{color:#555;font-size:13px;margin-bottom:12px}"
    "table{border-collapse:collapse;font-size:13px;background:#fff}td,th{border:1px solid #ddd;padding:3px 8px;"
    "text-align:left;vertical-align:top}th{background:#eef1f4;font-weight:600}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}tr.diff td{background:#fff3cd}"
    "code{font-size:12px;word-break:break-all}.plots{display:flex;flex-wrap:wrap;gap:12px}"
    "svg.plot{background:#f7f7f7;border:1px solid #ddd}.note{background:#fff3cd;border:1px solid #e0c36c;"
    "padding:6px 10px;font-size:13px;margin:8px 0}.cards{display:flex;gap:12px;flex-wrap:wrap}"
    ".card{background:#fff;border:1px solid #ddd;padding:8px 14px;min-width:150px}.card b{display:block;"
    "font-size:20px}.card span{font-size:12px;color:#555}figure{display:inline-block;margin:0 12px 12px 0}"
    "figcaption{font-size:12px;color:#444}.seeds td{padding:2px 4px;font-size:11px;text-align:center}";

void report_page_begin(Sbuf *b, const char *title, const char *subtitle) {
    sbuf_put(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                "img-src data:\">\n<title>");
    sbuf_put_html(b, title);
    sbuf_printf(b, "</title>\n<style>%s</style></head>\n<body>\n<h1>", REPORT_CSS);
    sbuf_put_html(b, title);
    sbuf_put(b, "</h1>\n<div class=\"sub\">");
    sbuf_put_html(b, subtitle);
    char when[64];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
    sbuf_printf(b, " &middot; report written %s by flowchunk (%s)</div>\n", when, FC_GIT_COMMIT);
}

void report_page_end(Sbuf *b) { sbuf_put(b, "</body></html>\n"); }

void report_kv(Sbuf *b, const char *key, const char *fmt, ...) {
    char v[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    sbuf_put(b, "<tr><th>");
    sbuf_put_html(b, key);
    sbuf_put(b, "</th><td>");
    sbuf_put_html(b, v);
    sbuf_put(b, "</td></tr>\n");
}

void report_metrics_note(Sbuf *b, const RunLog *r) {
    if (!r->has_metrics) {
        sbuf_put(b, "<div class=\"note\" id=\"metrics-note\">no metrics.jsonl yet: the run has not logged a step</div>\n");
        return;
    }
    if (r->bad_lines == 0) return;
    sbuf_printf(b, "<div class=\"note\" id=\"metrics-note\">metrics.jsonl: %lld of %lld lines did not parse and were "
                   "skipped; line %lld%s: <code>",
                (long long)r->bad_lines, (long long)r->lines, (long long)r->first_bad_line,
                r->bad_is_last ? " (the last line, cut short: a write in progress or a killed run)" : "");
    sbuf_put_html(b, r->bad_text);
    sbuf_put(b, "</code></div>\n");
}

uint32_t report_colour(int i) {
    static const uint32_t C[10] = {0x1f77b4, 0xd62728, 0x2ca02c, 0x9467bd, 0xff7f0e,
                                   0x8c564b, 0xe377c2, 0x17becf, 0x7f7f7f, 0xbcbd22};
    return C[((i % 10) + 10) % 10];
}

/* series ids are "<tag>_<what>", kept in a static ring so they outlive the call */
static const char *report_id(const char *tag, const char *what) {
    static char ring[PLOT_MAX_SERIES * 2][48];
    static int next = 0;
    char *s = ring[next++ % (PLOT_MAX_SERIES * 2)];
    snprintf(s, 48, "%s%s%s", tag, *tag ? "_" : "", what);
    return s;
}

static const char *report_label(const char *label, const char *what) {
    static char ring[PLOT_MAX_SERIES * 2][160];
    static int next = 0;
    char *s = ring[next++ % (PLOT_MAX_SERIES * 2)];
    snprintf(s, 160, "%s%s%s", label, *label ? " " : "", what);
    return s;
}

void report_plot_loss(Plot *p, const RunLog *r, const char *tag, const char *label, uint32_t rgb) {
    plot_add(p, report_id(tag, "loss"), report_label(label, "training loss"), rgb, r->loss.x, r->loss.y, r->loss.n,
             PLOT_LINE);
    if (r->val_loss.n > 0)
        plot_add(p, report_id(tag, "val_loss"), report_label(label, "validation loss"), rgb, r->val_loss.x, r->val_loss.y,
                 r->val_loss.n, PLOT_LINE | PLOT_MARKERS)->dash = 1;
}

void report_plot_eval(Plot *p, const RunLog *r, const char *tag, const char *label, uint32_t rgb, int with_success,
                      double *band_lo, double *band_hi) {
    /* the final evaluation re-scores the last weights: drawn as a point, not a step back in x */
    PlotSeries *s = plot_add(p, report_id(tag, "score"), report_label(label, "eval score"), rgb, r->eval_step,
                             r->eval_score, r->n_eval, PLOT_LINE | PLOT_MARKERS);
    int any = 0;
    for (int i = 0; i < r->n_eval; i++) {
        band_lo[i] = r->eval_min[i];
        band_hi[i] = r->eval_max[i];
        any |= isfinite(band_lo[i]) && isfinite(band_hi[i]);
    }
    if (any) {
        s->lo = band_lo;
        s->hi = band_hi;
        s->label = report_label(label, "eval score (band: min-max over the noise draws)");
    }
    if (with_success) {
        PlotSeries *q = plot_add(p, report_id(tag, "success"), report_label(label, "success rate"), report_colour(2),
                                 r->eval_step, r->eval_success, r->n_eval, PLOT_LINE | PLOT_MARKERS);
        q->dash = 1;
    }
}

void report_plot_throughput(Plot *p, const RunLog *r, const char *tag, const char *label, uint32_t rgb) {
    plot_add(p, report_id(tag, "samples_per_s"), report_label(label, "samples/s"), rgb, r->samples_per_s.x,
             r->samples_per_s.y, r->samples_per_s.n, PLOT_LINE);
}

int report_embed_image(Sbuf *b, const char *path, const char *mime, const char *alt) {
    size_t n;
    unsigned char *data = runlog_slurp(path, &n);
    if (!data) return 0;
    sbuf_printf(b, "<img alt=\"");
    sbuf_put_html(b, alt);
    sbuf_printf(b, "\" src=\"data:%s;base64,", mime);
    sbuf_put_base64(b, data, n);
    sbuf_put(b, "\">");
    free(data);
    return 1;
}

void report_record_run(const char *run_dir, const char *command, int world, int trainers, int evaluators, int resumed) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "command", command);
    cJSON_AddStringToObject(o, "commit", FC_GIT_COMMIT);
    char host[256] = "?", when[64];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
    cJSON_AddStringToObject(o, "host", host);
    cJSON_AddStringToObject(o, "started", when);
    cJSON_AddNumberToObject(o, "ranks", world);
    cJSON_AddNumberToObject(o, "trainers", trainers);
    cJSON_AddNumberToObject(o, "evaluators", evaluators);
    cJSON_AddBoolToObject(o, "resumed", resumed);
    char *s = cJSON_Print(o);
    Sbuf b = {0};
    sbuf_put(&b, s);
    sbuf_put(&b, "\n");
    char path[4400];
    snprintf(path, sizeof path, "%s/run.json", run_dir);
    if (sbuf_write_atomic(&b, path) != FC_OK) fc_log("warning: %s", fc_last_error());
    sbuf_free(&b);
    free(s);
    cJSON_Delete(o);
}

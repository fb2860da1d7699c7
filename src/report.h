/* report.h: self-contained HTML reports (one file: inline CSS and SVG, GIFs as data: URIs, a
 * Content-Security-Policy that forbids every network request) of one training run, of several
 * runs side by side, and of a dataset-size study; the learning-curve PNG of a run from the same
 * plots. Pages: report_run.c, report_compare.c, report_study.c; shared frame: report_page.c. */
#ifndef FLOWCHUNK_REPORT_H
#define FLOWCHUNK_REPORT_H

#include "plot.h"
#include "runlog.h"
#include "sbuf.h"

/* RUN_DIR's report to out (NULL: RUN_DIR/report.html), written atomically. FC_OK or FC_ERR +
 * fc_set_error (not a run directory, cannot write) */
int report_run_write(const char *run_dir, const char *out);
/* several runs: overlaid curves and the configs side by side, differences highlighted */
int report_compare_write(const char *const *run_dirs, int n, const char *out);
/* a study directory (run dirs N<N>_s<seed>/ + scaling_summary.csv and scaling.csv of
 * jobs/scaling_summary.sh): score and success vs N on a log axis, links to each run's report.
 * csv_prefix: where <prefix>.csv and <prefix>_summary.csv are (NULL: found in study_dir);
 * out NULL: study_dir/report.html; png non-NULL: the chart as a PNG too */
int report_study_write(const char *study_dir, const char *csv_prefix, const char *out, const char *png);
/* 1 when dir holds a study's <prefix>_summary.csv */
int report_study_is(const char *dir);
/* the trainer's hook after an evaluation and at the end: rewrites RUN_DIR/report.html; returns
 * the seconds it took (a failure is a warning on stderr, never fatal for the run) */
double report_refresh(const char *run_dir);
/* RUN_DIR/run.json: the command line, the commit of this build, host, start time, ranks */
void report_record_run(const char *run_dir, const char *command, int world, int trainers, int evaluators, int resumed);
/* the learning curve of a run as a PNG (training loss, log y; evaluation score and success on
 * the right axis): the same chart as the report's */
int report_curve_png(const char *run_dir, const char *png, const char *title);

/* ---- shared by the report pages (report_page.c) ---- */
/* <!doctype html> .. <body> with the CSS, the CSP and the <h1> */
void report_page_begin(Sbuf *b, const char *title, const char *subtitle);
void report_page_end(Sbuf *b);
/* a <tr><th>key</th><td>value</td></tr> row; value is escaped */
void report_kv(Sbuf *b, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* the metrics.jsonl health line (partial last line, unparsable lines), or nothing */
void report_metrics_note(Sbuf *b, const RunLog *r);
/* the charts of a run: loss (+ validation loss), evaluation score with a +-std band and
 * success, samples/s. `tag` prefixes the series ids (for overlays), rgb the colour */
void report_plot_loss(Plot *p, const RunLog *r, const char *tag, const char *label, uint32_t rgb);
void report_plot_eval(Plot *p, const RunLog *r, const char *tag, const char *label, uint32_t rgb, int with_success,
                      double *band_lo, double *band_hi);
void report_plot_throughput(Plot *p, const RunLog *r, const char *tag, const char *label, uint32_t rgb);
/* a file's bytes embedded as <img src="data:...;base64,..">; 0 when unreadable */
int report_embed_image(Sbuf *b, const char *path, const char *mime, const char *alt);
/* one of 10 distinct colours */
uint32_t report_colour(int i);

#endif

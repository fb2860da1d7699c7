/* plot.c: chart layout (see plot.h). Ranges come from the data (with 5% headroom on linear
 * axes), ticks are "nice" numbers (1, 2, 5 x 10^k, Heckbert, Graphics Gems 1990) on linear axes
 * and decades (plus 2 and 5 within short ranges) on log axes. The legend is one or more rows
 * above the plotting area. Every primitive goes through the canvas, so SVG and PNG agree. */
#include "plot.h"
#include "flowchunk/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_MAX_TICKS 32

typedef struct {
    double lo, hi;      /* data range of the axis (log10 of it on a log axis) */
    int log;
    double px0, px1;    /* pixel positions of lo and hi */
} PlotScale;

void plot_init(Plot *p, int width, int height, const char *title, const char *xlabel, const char *ylabel) {
    memset(p, 0, sizeof *p);
    p->width = width;
    p->height = height;
    p->title = title;
    p->x.label = xlabel;
    p->y.label = ylabel;
}

PlotSeries *plot_add(Plot *p, const char *id, const char *label, uint32_t rgb, const double *x, const double *y, int n,
                     int style) {
    FC_ASSERT(p->n_series < PLOT_MAX_SERIES, "a plot holds at most PLOT_MAX_SERIES series");
    PlotSeries *s = &p->s[p->n_series++];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->label = label;
    s->rgb = rgb;
    s->x = x;
    s->y = y;
    s->n = n;
    s->style = style;
    return s;
}

static int plot_usable(double v, int log) { return isfinite(v) && (!log || v > 0); }

static double plot_tr(double v, int log) { return log ? log10(v) : v; }

/* the data range of one axis: which = 0 x, 1 left y, 2 right y */
static void plot_range(const Plot *p, const PlotAxis *a, int which, double *lo, double *hi) {
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int k = 0; k < p->n_series; k++) {
        const PlotSeries *s = &p->s[k];
        if (which > 0 && s->right != (which == 2)) continue;
        for (int i = 0; i < s->n; i++) {
            double v[3] = {which == 0 ? s->x[i] : s->y[i], NAN, NAN};
            if (which > 0 && s->lo) v[1] = s->lo[i];
            if (which > 0 && s->hi) v[2] = s->hi[i];
            for (int j = 0; j < 3; j++)
                if (plot_usable(v[j], a->log)) {
                    double t = plot_tr(v[j], a->log);
                    if (t < *lo) *lo = t;
                    if (t > *hi) *hi = t;
                }
        }
    }
    if (a->fixed) {
        *lo = plot_tr(a->min, a->log);
        *hi = plot_tr(a->max, a->log);
    }
    if (!isfinite(*lo)) *lo = 0, *hi = 1;
    if (*hi - *lo < 1e-12) {
        double d = fabs(*lo) > 0 ? 0.1 * fabs(*lo) : 0.5;
        *lo -= d;
        *hi += d;
    }
    if (!a->fixed) {
        double pad = 0.05 * (*hi - *lo);
        *lo -= pad;
        *hi += pad;
    }
}

static double plot_nice(double x) {
    double e = floor(log10(x)), f = x / pow(10, e);
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * pow(10, e);
}

/* tick values (untransformed) within [lo, hi] (transformed) */
static int plot_ticks(double lo, double hi, int log, double *out) {
    int n = 0;
    if (log) {
        int short_range = hi - lo < 2.5;
        for (double e = floor(lo); e <= ceil(hi) && n < PLOT_MAX_TICKS - 3; e++) {
            static const double M[3] = {1, 2, 5};
            for (int m = 0; m < (short_range ? 3 : 1); m++) {
                double v = M[m] * pow(10, e), t = log10(v);
                if (t >= lo - 1e-9 && t <= hi + 1e-9) out[n++] = v;
            }
        }
        if (n >= 3) return n;
        n = 0; /* about a decade or less: linear ticks on the log scale read better */
        lo = pow(10, lo);
        hi = pow(10, hi);
    }
    double step = plot_nice((hi - lo) / 5);
    for (double v = ceil(lo / step) * step; v <= hi + 1e-9 * step && n < PLOT_MAX_TICKS; v += step)
        out[n++] = fabs(v) < 1e-12 * step ? 0 : v;
    return n;
}

static void plot_tick_label(char *buf, size_t n, double v) {
    double a = fabs(v);
    if (a >= 1e4 && fmod(a, 1000) == 0) snprintf(buf, n, "%gk", v / 1000);
    else snprintf(buf, n, "%g", v);
}

static double plot_map(const PlotScale *s, double v) {
    double t = plot_tr(v, s->log);
    return s->px0 + (t - s->lo) / (s->hi - s->lo) * (s->px1 - s->px0);
}

/* approximate text width in pixels at the default size (the PNG's 6-px font, SVG's 11-px sans) */
static double plot_text_w(const char *s) { return 6.2 * (double)strlen(s); }

static void plot_legend_layout(const Plot *p, double left, double width, int *rows) {
    double x = 0;
    *rows = 0;
    for (int k = 0; k < p->n_series; k++) {
        if (!p->s[k].label || !p->s[k].label[0]) continue; /* unlabelled series stay out of the legend */
        if (*rows == 0) *rows = 1;
        double w = 30 + plot_text_w(p->s[k].label) + 14;
        if (x > 0 && x + w > width) {
            (*rows)++;
            x = 0;
        }
        x += w;
    }
    (void)left;
}

static void plot_draw_series(const PlotSeries *s, const PlotScale *sx, const PlotScale *sy, const PlotCanvas *c,
                             double *xy) {
    int logx = sx->log, logy = sy->log;
    c->group(c->ctx, "series", s->id, s->n);
    if (s->lo && s->hi && !(s->style & PLOT_ERRBARS)) { /* band: upper edge forward, lower edge back */
        int m = 0;
        for (int i = 0; i < s->n; i++)
            if (plot_usable(s->x[i], logx) && plot_usable(s->hi[i], logy)) {
                xy[2 * m] = plot_map(sx, s->x[i]);
                xy[2 * m + 1] = plot_map(sy, s->hi[i]);
                m++;
            }
        for (int i = s->n - 1; i >= 0; i--)
            if (plot_usable(s->x[i], logx) && plot_usable(s->lo[i], logy)) {
                xy[2 * m] = plot_map(sx, s->x[i]);
                xy[2 * m + 1] = plot_map(sy, s->lo[i]);
                m++;
            }
        if (m >= 3) c->fill(c->ctx, xy, m, s->rgb, 0.18);
    }
    if (s->style & PLOT_ERRBARS) {
        for (int i = 0; i < s->n; i++) {
            if (!plot_usable(s->x[i], logx) || !plot_usable(s->lo[i], logy) || !plot_usable(s->hi[i], logy)) continue;
            double x = plot_map(sx, s->x[i]), y0 = plot_map(sy, s->lo[i]), y1 = plot_map(sy, s->hi[i]);
            double bar[12] = {x, y0, x, y1};
            c->line(c->ctx, bar, 2, s->rgb, 1.5, 0);
            double cap0[4] = {x - 4, y0, x + 4, y0}, cap1[4] = {x - 4, y1, x + 4, y1};
            c->line(c->ctx, cap0, 2, s->rgb, 1.5, 0);
            c->line(c->ctx, cap1, 2, s->rgb, 1.5, 0);
        }
    }
    if (s->style & PLOT_LINE) {
        int m = 0;
        for (int i = 0; i < s->n; i++)
            if (plot_usable(s->x[i], logx) && plot_usable(s->y[i], logy)) {
                xy[2 * m] = plot_map(sx, s->x[i]);
                xy[2 * m + 1] = plot_map(sy, s->y[i]);
                m++;
            }
        if (m >= 1) c->line(c->ctx, xy, m, s->rgb, 1.8, s->dash);
    }
    if (s->style & PLOT_MARKERS)
        for (int i = 0; i < s->n; i++)
            if (plot_usable(s->x[i], logx) && plot_usable(s->y[i], logy))
                c->marker(c->ctx, plot_map(sx, s->x[i]), plot_map(sy, s->y[i]), 3.2, s->rgb, s->tip ? s->tip[i] : NULL,
                          s->href ? s->href[i] : NULL);
    c->group(c->ctx, NULL, NULL, 0);
}

static void plot_draw_axis_y(const PlotScale *sy, const PlotAxis *a, double x_edge, double x_far, int right,
                             const PlotCanvas *c, int grid, double top, double bottom) {
    double t[PLOT_MAX_TICKS];
    int nt = plot_ticks(sy->lo, sy->hi, sy->log, t);
    for (int i = 0; i < nt; i++) {
        double y = plot_map(sy, t[i]);
        if (grid) {
            double g[4] = {x_edge, y, x_far, y};
            c->line(c->ctx, g, 2, 0xe4e4e4, 1, 0);
        }
        double tk[4] = {x_edge, y, x_edge + (right ? 5 : -5), y};
        c->line(c->ctx, tk, 2, 0x444444, 1, 0);
        char buf[32];
        plot_tick_label(buf, sizeof buf, t[i]);
        c->text(c->ctx, x_edge + (right ? 8 : -8), y + 4, buf, right ? -1 : 1, 11, 0, 0x333333);
    }
    if (a->label)
        c->text(c->ctx, right ? x_edge + 52 : x_edge - 50, 0.5 * (top + bottom), a->label, 0, 12, 1, 0x222222);
}

void plot_draw(const Plot *p, const PlotCanvas *c) {
    int has_y2 = 0, n_max = 2;
    for (int k = 0; k < p->n_series; k++) {
        has_y2 |= p->s[k].right;
        if (2 * p->s[k].n + 8 > n_max) n_max = 2 * p->s[k].n + 8;
    }
    double left = 70, right = p->width - (has_y2 ? 70 : 24);
    int rows;
    plot_legend_layout(p, left, right - left, &rows);
    double top = (p->title ? 30 : 10) + 18 * rows + 6, bottom = p->height - 46;
    PlotScale sx, sy, sy2;
    plot_range(p, &p->x, 0, &sx.lo, &sx.hi);
    plot_range(p, &p->y, 1, &sy.lo, &sy.hi);
    plot_range(p, &p->y2, 2, &sy2.lo, &sy2.hi);
    sx.log = p->x.log, sy.log = p->y.log, sy2.log = p->y2.log;
    sx.px0 = left, sx.px1 = right;
    sy.px0 = sy2.px0 = bottom, sy.px1 = sy2.px1 = top;

    c->group(c->ctx, "frame", NULL, 0);
    double bg[8] = {left, top, right, top, right, bottom, left, bottom};
    c->fill(c->ctx, bg, 4, 0xffffff, 1.0);
    plot_draw_axis_y(&sy, &p->y, left, right, 0, c, 1, top, bottom);
    if (has_y2) plot_draw_axis_y(&sy2, &p->y2, right, left, 1, c, 0, top, bottom);
    double t[PLOT_MAX_TICKS];
    int nt = plot_ticks(sx.lo, sx.hi, sx.log, t);
    for (int i = 0; i < nt; i++) {
        double x = plot_map(&sx, t[i]);
        double g[4] = {x, top, x, bottom}, tk[4] = {x, bottom, x, bottom + 5};
        c->line(c->ctx, g, 2, 0xe4e4e4, 1, 0);
        c->line(c->ctx, tk, 2, 0x444444, 1, 0);
        char buf[32];
        plot_tick_label(buf, sizeof buf, t[i]);
        c->text(c->ctx, x, bottom + 18, buf, 0, 11, 0, 0x333333);
    }
    if (p->x.label) c->text(c->ctx, 0.5 * (left + right), bottom + 38, p->x.label, 0, 12, 0, 0x222222);
    double box[10] = {left, top, right, top, right, bottom, left, bottom, left, top};
    c->line(c->ctx, box, 5, 0x444444, 1, 0);
    if (p->title) c->text(c->ctx, 0.5 * p->width, 20, p->title, 0, 13, 0, 0x111111);
    c->group(c->ctx, NULL, NULL, 0);

    double xy_buf[2 * 4096 + 16], *xy = xy_buf;
    double *heap = NULL;
    if (n_max > 4096) xy = heap = fc_malloc((size_t)n_max * 2 * sizeof(double));
    for (int k = 0; k < p->n_series; k++)
        plot_draw_series(&p->s[k], &sx, p->s[k].right ? &sy2 : &sy, c, xy);
    free(heap);

    /* legend rows above the plotting area */
    c->group(c->ctx, "legend", NULL, 0);
    double lx = left, ly = (p->title ? 30 : 10) + 12;
    for (int k = 0; k < p->n_series; k++) {
        const PlotSeries *s = &p->s[k];
        if (!s->label || !s->label[0]) continue;
        double w = 30 + plot_text_w(s->label) + 14;
        if (lx > left && lx + w > right) {
            lx = left;
            ly += 18;
        }
        if (s->lo && s->hi && !(s->style & PLOT_ERRBARS)) {
            double sw[8] = {lx, ly - 6, lx + 24, ly - 6, lx + 24, ly + 6, lx, ly + 6};
            c->fill(c->ctx, sw, 4, s->rgb, 0.18);
        }
        double seg[4] = {lx, ly, lx + 24, ly};
        if (s->style & (PLOT_LINE | PLOT_ERRBARS)) c->line(c->ctx, seg, 2, s->rgb, 1.8, s->dash);
        if (s->style & PLOT_MARKERS) c->marker(c->ctx, lx + 12, ly, 3.2, s->rgb, NULL, NULL);
        c->text(c->ctx, lx + 30, ly + 4, s->label, -1, 11, 0, 0x222222);
        lx += w;
    }
    c->group(c->ctx, NULL, NULL, 0);
}

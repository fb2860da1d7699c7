/* plot.h: x-y charts drawn by flowchunk's own code: a chart is a model (series of points, bands,
 * error bars, one or two y axes, linear or log axes, a legend) that plot_draw lays out once and
 * draws through a canvas of callbacks (Chipmunk's debug-draw shape), so the inline SVG of the HTML
 * report (plot_svg.c) and the PNG curves of the README (plot_png.c, libgd) are the same drawing.
 * Layout and ticks: src/plot.c. */
#ifndef FLOWCHUNK_PLOT_H
#define FLOWCHUNK_PLOT_H

#include <stdint.h>

#include "sbuf.h"

#define PLOT_MAX_SERIES 16

enum { PLOT_LINE = 1, PLOT_MARKERS = 2, PLOT_ERRBARS = 4 };

typedef struct {
    const char *id;                 /* DOM id suffix of the series (data-series="id"), [a-z0-9_] */
    const char *label;              /* legend text; NULL or "" keeps the series out of the legend */
    uint32_t rgb;                   /* 0xRRGGBB */
    const double *x, *y;            /* (n) points, x ascending for lines */
    int n;
    const double *lo, *hi;          /* (n) or NULL: a shaded band (lines) or error bars (PLOT_ERRBARS) */
    int style;                      /* PLOT_LINE | PLOT_MARKERS | PLOT_ERRBARS */
    int dash;                       /* dashed line */
    int right;                      /* against the right y axis */
    const char *const *tip;         /* (n) or NULL: a tooltip per marker */
    const char *const *href;        /* (n) or NULL: a link per marker (SVG only) */
} PlotSeries;

typedef struct {
    const char *label;
    int log;                        /* log10 scale (values <= 0 are skipped) */
    int fixed;                      /* use min/max as given instead of the data range */
    double min, max;
} PlotAxis;

typedef struct {
    const char *title;
    int width, height;              /* pixels (SVG user units) */
    PlotAxis x, y, y2;              /* y2 is drawn when a series has right = 1 */
    PlotSeries s[PLOT_MAX_SERIES];
    int n_series;
} Plot;

/* the drawing primitives a back end provides; coordinates in pixels from the top left */
typedef struct {
    void *ctx;
    void (*group)(void *ctx, const char *cls, const char *series, int n_points); /* cls NULL: close */
    void (*line)(void *ctx, const double *xy, int n, uint32_t rgb, double width, int dash);
    void (*fill)(void *ctx, const double *xy, int n, uint32_t rgb, double alpha);     /* polygon */
    void (*marker)(void *ctx, double x, double y, double r, uint32_t rgb, const char *tip, const char *href);
    void (*text)(void *ctx, double x, double y, const char *s, int align, int size, int vertical, uint32_t rgb);
} PlotCanvas;

/* zeroes p and sets the size, title and axis labels */
void plot_init(Plot *p, int width, int height, const char *title, const char *xlabel, const char *ylabel);
/* appends a series (its arrays must outlive the drawing) and returns it for further settings */
PlotSeries *plot_add(Plot *p, const char *id, const char *label, uint32_t rgb, const double *x, const double *y, int n,
                     int style);
/* lays the chart out and draws frame, grid, ticks, series and legend through c */
void plot_draw(const Plot *p, const PlotCanvas *c);
/* the chart as one <svg> element appended to out (plot_svg.c) */
void plot_svg(Sbuf *out, const Plot *p);
/* the chart as a PNG file drawn with libgd (plot_png.c); FC_OK or FC_ERR + fc_set_error */
int plot_png_write(const Plot *p, const char *path);
/* n charts in one PNG, a grid of `cols` columns (small multiples); FC_OK or FC_ERR + fc_set_error */
int plot_png_write_grid(const Plot *plots, int n, int cols, const char *path);

#endif

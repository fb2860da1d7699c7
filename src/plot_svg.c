/* plot_svg.c: the SVG back end of plot.h. Each series is a <g class="series" data-series=ID
 * data-points=N> holding its band (<path>), line (<polyline>, one vertex per usable point) and
 * markers (<circle>, with a <title> tooltip and an optional link), so a browser test can count
 * what was drawn. Coordinates are rounded to 0.1 px to keep the report small. */
#include "plot.h"

#include <stdio.h>

typedef struct {
    Sbuf *out;
} SvgCtx;

static void svg_rgb(char *buf, uint32_t rgb) { snprintf(buf, 8, "#%06x", (unsigned)(rgb & 0xffffff)); }

static void svg_group(void *ctx, const char *cls, const char *series, int n_points) {
    Sbuf *o = ((SvgCtx *)ctx)->out;
    if (!cls) {
        sbuf_put(o, "</g>\n");
        return;
    }
    sbuf_printf(o, "<g class=\"%s\"", cls);
    if (series) sbuf_printf(o, " data-series=\"%s\" data-points=\"%d\"", series, n_points);
    sbuf_put(o, ">\n");
}

static void svg_points(Sbuf *o, const double *xy, int n) {
    for (int i = 0; i < n; i++) sbuf_printf(o, "%s%.1f,%.1f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
}

static void svg_line(void *ctx, const double *xy, int n, uint32_t rgb, double width, int dash) {
    Sbuf *o = ((SvgCtx *)ctx)->out;
    char c[8];
    svg_rgb(c, rgb);
    sbuf_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s stroke-linejoin=\"round\" points=\"",
                c, width, dash ? " stroke-dasharray=\"6 4\"" : "");
    svg_points(o, xy, n);
    sbuf_put(o, "\"/>\n");
}

static void svg_fill(void *ctx, const double *xy, int n, uint32_t rgb, double alpha) {
    Sbuf *o = ((SvgCtx *)ctx)->out;
    char c[8];
    svg_rgb(c, rgb);
    sbuf_printf(o, "<path class=\"band\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\" d=\"M", c, alpha);
    svg_points(o, xy, n);
    sbuf_put(o, "Z\"/>\n");
}

static void svg_marker(void *ctx, double x, double y, double r, uint32_t rgb, const char *tip, const char *href) {
    Sbuf *o = ((SvgCtx *)ctx)->out;
    char c[8];
    svg_rgb(c, rgb);
    if (href) {
        sbuf_put(o, "<a href=\"");
        sbuf_put_html(o, href);
        sbuf_put(o, "\">");
    }
    sbuf_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.8\">", x, y, r,
                c);
    if (tip) {
        sbuf_put(o, "<title>");
        sbuf_put_html(o, tip);
        sbuf_put(o, "</title>");
    }
    sbuf_put(o, "</circle>");
    if (href) sbuf_put(o, "</a>");
    sbuf_put(o, "\n");
}

static void svg_text(void *ctx, double x, double y, const char *s, int align, int size, int vertical, uint32_t rgb) {
    Sbuf *o = ((SvgCtx *)ctx)->out;
    char c[8];
    svg_rgb(c, rgb);
    const char *anchor = align < 0 ? "start" : align > 0 ? "end" : "middle";
    sbuf_printf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\" text-anchor=\"%s\"", x, y, size, c, anchor);
    if (vertical) sbuf_printf(o, " transform=\"rotate(-90 %.1f %.1f)\"", x, y);
    sbuf_put(o, ">");
    sbuf_put_html(o, s);
    sbuf_put(o, "</text>\n");
}

void plot_svg(Sbuf *out, const Plot *p) {
    SvgCtx ctx = {out};
    PlotCanvas c = {&ctx, svg_group, svg_line, svg_fill, svg_marker, svg_text};
    sbuf_printf(out,
                "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
                p->width, p->height, p->width, p->height);
    plot_draw(p, &c);
    sbuf_put(out, "</svg>\n");
}

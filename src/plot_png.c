/* plot_png.c: the PNG back end of plot.h, on libgd (https://libgd.github.io/manuals/2.3.0/):
 * a truecolor image, anti-aliased 1-px lines, thick lines through gdImageSetThickness, alpha-
 * blended bands and gd's built-in bitmap fonts (tiny for ticks, small/medium-bold for labels and
 * the title; vertical text with gdImageStringUp). No font files and no external program. */
#include "plot.h"
#include "flowchunk/check.h"

#include <errno.h>
#include <gd.h>
#include <gdfontmb.h>
#include <gdfonts.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    gdImagePtr im;
    int ox, oy;                     /* where the chart's top left is in the image (small multiples) */
} PngCtx;

static int png_colour(gdImagePtr im, uint32_t rgb, double alpha) {
    int a = (int)lround(127 * (1 - alpha)); /* gd: 0 opaque .. 127 transparent */
    return gdImageColorResolveAlpha(im, (int)(rgb >> 16) & 255, (int)(rgb >> 8) & 255, (int)rgb & 255, a);
}

static void png_group(void *ctx, const char *cls, const char *series, int n_points) {
    (void)ctx, (void)cls, (void)series, (void)n_points;
}

static void png_line(void *ctx, const double *xy, int n, uint32_t rgb, double width, int dash) {
    gdImagePtr im = ((PngCtx *)ctx)->im;
    int ox = ((PngCtx *)ctx)->ox, oy = ((PngCtx *)ctx)->oy;
    int col = png_colour(im, rgb, 1.0), thick = width > 1.2 ? (int)lround(width) : 1;
    gdImageSetThickness(im, thick);
    int draw = col;
    if (dash && thick == 1) {
        int style[10];
        for (int i = 0; i < 10; i++) style[i] = i < 6 ? col : gdTransparent;
        gdImageSetStyle(im, style, 10);
        draw = gdStyled;
    } else if (thick == 1) {
        gdImageSetAntiAliased(im, col);
        draw = gdAntiAliased;
    }
    for (int i = 0; i + 1 < n; i++) {
        if (dash && thick > 1 && i % 2) continue; /* thick dashes: every other segment of dense data */
        gdImageLine(im, ox + (int)lround(xy[2 * i]), oy + (int)lround(xy[2 * i + 1]), ox + (int)lround(xy[2 * i + 2]),
                    oy + (int)lround(xy[2 * i + 3]), draw);
    }
    gdImageSetThickness(im, 1);
}

static void png_fill(void *ctx, const double *xy, int n, uint32_t rgb, double alpha) {
    gdImagePtr im = ((PngCtx *)ctx)->im;
    gdPoint pts[8192];
    if (n > 8192) n = 8192;
    for (int i = 0; i < n; i++) {
        pts[i].x = ((PngCtx *)ctx)->ox + (int)lround(xy[2 * i]);
        pts[i].y = ((PngCtx *)ctx)->oy + (int)lround(xy[2 * i + 1]);
    }
    gdImageFilledPolygon(im, pts, n, png_colour(im, rgb, alpha));
}

static void png_marker(void *ctx, double x, double y, double r, uint32_t rgb, const char *tip, const char *href) {
    (void)tip, (void)href;
    gdImagePtr im = ((PngCtx *)ctx)->im;
    int d = (int)lround(2 * r + 1);
    gdImageFilledEllipse(im, ((PngCtx *)ctx)->ox + (int)lround(x), ((PngCtx *)ctx)->oy + (int)lround(y), d, d,
                         png_colour(im, rgb, 1.0));
}

static void png_text(void *ctx, double x, double y, const char *s, int align, int size, int vertical, uint32_t rgb) {
    gdImagePtr im = ((PngCtx *)ctx)->im;
    gdFontPtr f = size >= 13 ? gdFontGetMediumBold() : gdFontGetSmall();
    int w = f->w * (int)strlen(s), col = png_colour(im, rgb, 1.0);
    int off = align < 0 ? 0 : align > 0 ? w : w / 2;
    x += ((PngCtx *)ctx)->ox, y += ((PngCtx *)ctx)->oy;
    if (vertical) {
        gdImageStringUp(im, f, (int)lround(x) - f->h + 4, (int)lround(y) + off, (unsigned char *)s, col);
    } else {
        gdImageString(im, f, (int)lround(x) - off, (int)lround(y) - f->h + 3, (unsigned char *)s, col);
    }
}

/* writes im to path atomically (temp file + rename) and frees it */
static int png_save(gdImagePtr im, const char *path) {
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = FC_OK;
    if (!f) {
        rc = fc_set_error("%s: cannot write: %s", tmp, strerror(errno));
    } else {
        gdImagePng(im, f);
        if (fclose(f) != 0 || rename(tmp, path) != 0) rc = fc_set_error("%s: cannot write: %s", path, strerror(errno));
    }
    gdImageDestroy(im);
    return rc;
}

static gdImagePtr png_new(int w, int h) {
    gdImagePtr im = gdImageCreateTrueColor(w, h);
    FC_CHECK(im != NULL, "out of memory for a %dx%d plot", w, h);
    gdImageAlphaBlending(im, 1);
    gdImageFilledRectangle(im, 0, 0, w - 1, h - 1, png_colour(im, 0xf7f7f7, 1.0));
    return im;
}

static void png_draw_at(gdImagePtr im, const Plot *p, int ox, int oy) {
    PngCtx ctx = {im, ox, oy};
    PlotCanvas c = {&ctx, png_group, png_line, png_fill, png_marker, png_text};
    plot_draw(p, &c);
}

int plot_png_write(const Plot *p, const char *path) {
    gdImagePtr im = png_new(p->width, p->height);
    png_draw_at(im, p, 0, 0);
    return png_save(im, path);
}

int plot_png_write_grid(const Plot *plots, int n, int cols, const char *path) {
    FC_ASSERT(n > 0 && cols > 0, "plot_png_write_grid needs at least one plot and one column");
    if (n < cols) cols = n;
    int rows = (n + cols - 1) / cols, cw = 0, ch = 0;
    for (int i = 0; i < n; i++) {
        if (plots[i].width > cw) cw = plots[i].width;
        if (plots[i].height > ch) ch = plots[i].height;
    }
    gdImagePtr im = png_new(cw * cols, ch * rows);
    for (int i = 0; i < n; i++) png_draw_at(im, &plots[i], (i % cols) * cw, (i / cols) * ch);
    return png_save(im, path);
}

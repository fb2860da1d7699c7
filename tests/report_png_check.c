/* report_png_check.c: "is this screenshot blank?" for the report browser test. Reads a PNG with
 * libgd and prints its size, distinct colours and the share of pixels that differ from the
 * top-left (background) pixel; exits 1 when there are fewer than MIN_COLOURS colours or under 2%
 * of the pixels differ (an empty or failed render), 2 when the file is not a PNG.
 *   report_png_check FILE.png MIN_COLOURS */
#include <gd.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: report_png_check FILE.png MIN_COLOURS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    gdImagePtr im = f ? gdImageCreateFromPng(f) : NULL;
    if (f) fclose(f);
    if (!im) {
        fprintf(stderr, "report_png_check: %s is not a readable PNG\n", argv[1]);
        return 2;
    }
    int w = gdImageSX(im), h = gdImageSY(im), bg = gdImageGetTrueColorPixel(im, 0, 0);
    /* distinct colours: one flag per 24-bit RGB value */
    static unsigned char seen[1 << 24];
    long colours = 0, differ = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int c = gdImageGetTrueColorPixel(im, x, y) & 0xffffff;
            if (!seen[c]) seen[c] = 1, colours++;
            differ += c != (bg & 0xffffff);
        }
    double share = (double)differ / ((double)w * h);
    printf("%s: %dx%d, %ld colours, %.1f%% non-background pixels\n", argv[1], w, h, colours, 100 * share);
    gdImageDestroy(im);
    return colours >= atol(argv[2]) && share >= 0.02 ? 0 : 1;
}

/* precision_curves.c: the training loss of two runs that differ only in --precision (the same
 * batches and noise: same windows, seed and recipe), drawn as one PNG: both curves, and the
 * relative difference (bf16 - fp32) / fp32 in percent on the right axis. Prints the worst
 * relative difference over the logged steps. Reads the step lines of each metrics.jsonl (the
 * loss of a line is the mean over its log window).
 *   precision_curves FP32/metrics.jsonl BF16/metrics.jsonl OUT.png [MAX_STEP]
 * benchmarks/precision_curves.sh runs the two trainings and calls it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define MAX_POINTS 100000

/* (step, loss) of every step line of a metrics.jsonl up to max_step; returns the count */
static int read_losses(const char *path, double *step, double *loss, long max_step) {
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "precision_curves: cannot open %s\n", path); exit(1); }
    char line[8192];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < MAX_POINTS) {
        long s;
        double l;
        const char *ps = strstr(line, "{\"step\":"), *pl = strstr(line, "\"loss\":");
        if (ps != line || !pl || sscanf(ps, "{\"step\":%ld", &s) != 1 || sscanf(pl, "\"loss\":%lf", &l) != 1) continue;
        if (max_step > 0 && s > max_step) break;
        step[n] = (double)s, loss[n] = l, n++;
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: precision_curves FP32/metrics.jsonl BF16/metrics.jsonl OUT.png [MAX_STEP]\n");
        return 2;
    }
    long max_step = argc > 4 ? atol(argv[4]) : 0;
    static double s32[MAX_POINTS], l32[MAX_POINTS], s16[MAX_POINTS], l16[MAX_POINTS], rel[MAX_POINTS];
    int n32 = read_losses(argv[1], s32, l32, max_step), n16 = read_losses(argv[2], s16, l16, max_step);
    int n = n32 < n16 ? n32 : n16;
    double worst = 0, worst_step = 0;
    for (int i = 0; i < n; i++) {
        if (s32[i] != s16[i]) { fprintf(stderr, "precision_curves: the runs log different steps\n"); return 1; }
        rel[i] = 100.0 * (l16[i] - l32[i]) / l32[i];
        if (fabs(rel[i]) > worst) worst = fabs(rel[i]), worst_step = s32[i];
    }
    Plot p;
    plot_init(&p, 720, 420, "training loss: bf16 products vs fp32 (same batches, same noise)", "step", "loss");
    p.y.log = 1;
    plot_add(&p, "fp32", "fp32 (OpenBLAS)", 0x1f77b4, s32, l32, n, PLOT_LINE);
    plot_add(&p, "bf16", "bf16 (oneDNN)", 0xd62728, s16, l16, n, PLOT_LINE)->dash = 1;
    plot_add(&p, "rel", "(bf16 - fp32) / fp32, % (right)", 0x2ca02c, s32, rel, n, PLOT_LINE | PLOT_MARKERS)->right = 1;
    p.y2.label = "relative difference, %";
    if (plot_png_write(&p, argv[3]) != 0) { fprintf(stderr, "precision_curves: cannot write %s\n", argv[3]); return 1; }
    printf("precision_curves: %d logged steps; worst |bf16 - fp32| / fp32 = %.3f%% (step %.0f); wrote %s\n", n, worst,
           worst_step, argv[3]);
    return 0;
}

/* study_stats_test.c: the statistics of a dataset-size study (src/study.c) against values worked
 * out by hand: Student-t quantiles (tables), the crossed seeds x starts interval of a table without
 * residual (y = seed effect + start effect: MS_seed 0.06, MS_start 0.02, MS_resid 0, so
 * var = 0.08/6 and Satterthwaite df = 1.6842), one-row and one-column tables, the exact power law
 * 1 - y = 2 N^-0.5, and the convergence measures. */
#include "study.h"

#include <math.h>
#include <stdio.h>

static int failures;

static void near(const char *what, double got, double want, double tol) {
    if (!(fabs(got - want) <= tol)) {
        printf("FAIL %s: got %.9g, want %.9g (+-%g)\n", what, got, want, tol);
        failures++;
    } else {
        printf("ok   %s = %.6g\n", what, got);
    }
}

int main(void) {
    near("t(0.975, 1)", study_t_quantile(0.975, 1), 12.7062047, 1e-6);
    near("t(0.975, 2)", study_t_quantile(0.975, 2), 4.30265273, 1e-7);
    near("t(0.975, 10)", study_t_quantile(0.975, 10), 2.22813885, 1e-7);
    near("t(0.975, 1e6)", study_t_quantile(0.975, 1e6), 1.95996, 1e-4);
    near("t(0.025, 5) = -t(0.975, 5)", study_t_quantile(0.025, 5), -2.57058184, 1e-7);

    const double y[6] = {0.0, 0.1, 0.2, 0.2, 0.3, 0.4}; /* seeds {0, 0.2} + starts {0, 0.1, 0.2} */
    StudyInterval c = study_crossed_interval(y, 2, 3);
    near("crossed mean", c.mean, 0.2, 1e-12);
    near("crossed se", c.se, sqrt(0.08 / 6), 1e-12);
    near("crossed df", c.df, (0.08 / 6) * (0.08 / 6) / (0.01 * 0.01 + pow(0.02 / 6, 2) / 2), 1e-9);
    near("crossed hi", c.hi, 0.2 + study_t_quantile(0.975, c.df) * sqrt(0.08 / 6), 1e-12);
    StudyInterval r = study_crossed_interval(y, 1, 3); /* one seed: over its starts */
    near("one seed: mean", r.mean, 0.1, 1e-12);
    near("one seed: se", r.se, 0.1 / sqrt(3), 1e-12);
    near("one seed: df", r.df, 2, 0);
    const double col[3] = {0.5, 0.6, 0.7};
    StudyInterval k = study_crossed_interval(col, 3, 1); /* one start: over the seeds */
    near("one start: se", k.se, 0.1 / sqrt(3), 1e-12);
    const double flat[4] = {0.3, 0.3, 0.3, 0.3};
    StudyInterval f = study_crossed_interval(flat, 2, 2);
    near("no spread: lo = mean", f.lo, 0.3, 1e-12);

    const double N[3] = {4, 16, 64}, s[3] = {1 - 2 / 2.0, 1 - 2 / 4.0, 1 - 2 / 8.0};
    StudyPowerFit p;
    if (study_fit_power(N, s, 3, 1e-6, &p) != 0) printf("FAIL fit returned an error\n"), failures++;
    near("fit a", p.a, 2, 1e-9);
    near("fit b", p.b, 0.5, 1e-9);
    near("fit b interval (exact data)", p.b_hi - p.b_lo, 0, 1e-6);
    near("fit r2", p.r2, 1, 1e-9);
    const double one[2] = {10, 10}, v[2] = {0.5, 0.6};
    if (study_fit_power(one, v, 2, 1e-6, &p) == 0) printf("FAIL fit of a single N did not fail\n"), failures++;

    const double rising[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    near("gain of the last 3 over the 3 before", study_gain(rising, 6, 3), 0.3, 1e-12);
    near("gain with 4 points (k shrinks to 2)", study_gain(rising, 4, 3), 0.2, 1e-12);
    near("gain of one point", study_gain(rising, 1, 3), 0, 0);
    const double tr[3] = {0.5, 0.6, 0.7};
    near("trend over 3 points", study_trend(tr, 3), 0.2, 1e-12);
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures != 0;
}

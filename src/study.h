/* study.h: the statistics of a dataset-size study (src/study.c) and its summary (src/study_summary.c,
 * `flowchunk study summary`): Student-t quantiles, a 95% interval for the mean of a seeds x starts
 * table (crossed random effects: training seed and start both random), the power-law fit
 * 1 - y = a N^-b with intervals on a and b, and the convergence measures of a run. */
#ifndef FLOWCHUNK_STUDY_H
#define FLOWCHUNK_STUDY_H

typedef struct {
    double mean, lo, hi;  /* the mean and its 95% interval (lo = hi = mean when no spread is estimable) */
    double se, df;        /* standard error of the mean and the t degrees of freedom (0: none) */
} StudyInterval;

typedef struct {
    int n;                /* points used */
    double a, a_lo, a_hi; /* 1 - y = a N^-b; 95% intervals (NAN when n < 3) */
    double b, b_lo, b_hi;
    double r2;            /* in log-log space */
} StudyPowerFit;

/* the p-quantile of Student's t with df > 0 degrees of freedom (df may be fractional) */
double study_t_quantile(double p, double df);
/* mean of y (n) with the t interval over its n values */
StudyInterval study_mean_interval(const double *y, int n);
/* mean of the table y (ns rows = seeds, nj columns = starts, row-major) with the 95% interval of a
 * two-way crossed random-effects model without replication: var(mean) = s_seed^2/ns +
 * s_start^2/nj + s_resid^2/(ns nj) from the ANOVA mean squares (components clamped at 0),
 * Satterthwaite degrees of freedom. One row: the interval over starts; one column: over seeds. */
StudyInterval study_crossed_interval(const double *y, int ns, int nj);
/* least squares of log(max(1 - y, floor)) = log a - b log N over m points; FC_OK or FC_ERR when
 * fewer than 2 distinct N */
int study_fit_power(const double *N, const double *y, int m, double floor, StudyPowerFit *f);
/* mean of the last k values minus the mean of the k before (k shrinks to n/2; 0 when n < 2) */
double study_gain(const double *y, int n, int k);
/* the least-squares slope of y against its index times (n - 1): the fitted rise over the points */
double study_trend(const double *y, int n);

/* the summary of the study directory dir written by jobs/study.sh: <prefix>.csv (runs),
 * <prefix>_summary.csv (sizes), <prefix>_fit.csv, <prefix>_{score,success,curves}.png and
 * dir/report.html; prefix NULL = dir/study. A run is converged when it has at least 4 training
 * evaluations, the mean of its last 3 is at most tol above the 3 before, the linear trend over
 * its scored checkpoints rises by at most tol, and its size's budget probe (N<N>_s<seed>_x<F>/)
 * scores at most tol above the run it repeats. Unfinished runs are left out. FC_OK or
 * FC_ERR + fc_set_error; quiet = 0 prints the table, the fit and the unconverged runs to stderr */
int study_summary_write(const char *dir, const char *prefix, double tol, int quiet);

#endif

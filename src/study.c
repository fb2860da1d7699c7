/* study.c: the statistics of study.h. Student's t through the regularized incomplete beta function
 * (Numerical Recipes, 2nd ed., 6.4: continued fraction), quantiles by bisection; the crossed
 * random-effects interval from the two-way ANOVA mean squares (Searle, Casella & McCulloch,
 * "Variance Components", 1992, 4.5) with Satterthwaite's degrees of freedom (Biometrics 2:110,
 * 1946); the power law by ordinary least squares in log-log space with t intervals. */
#include "study.h"
#include "flowchunk/check.h"

#include <math.h>

/* continued fraction of the incomplete beta function (NR betacf) */
static double study_betacf(double a, double b, double x) {
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15) break;
    }
    return h;
}

/* I_x(a, b) */
static double study_betai(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2)) return bt * study_betacf(a, b, x) / a;
    return 1 - bt * study_betacf(b, a, 1 - x) / b;
}

/* P(T <= t), T ~ Student t with df degrees of freedom */
static double study_t_cdf(double t, double df) {
    double tail = 0.5 * study_betai(df / 2, 0.5, df / (df + t * t));
    return t > 0 ? 1 - tail : tail;
}

double study_t_quantile(double p, double df) {
    FC_ASSERT(df > 0 && p > 0 && p < 1, "study_t_quantile needs df > 0 and 0 < p < 1");
    if (p < 0.5) return -study_t_quantile(1 - p, df);
    double lo = 0, hi = 1;
    while (study_t_cdf(hi, df) < p && hi < 1e12) hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (study_t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static StudyInterval study_interval(double mean, double var, double df) {
    StudyInterval r = {mean, mean, mean, sqrt(var > 0 ? var : 0), df};
    if (df > 0 && var > 0) {
        double h = study_t_quantile(0.975, df) * r.se;
        r.lo = mean - h;
        r.hi = mean + h;
    }
    return r;
}

StudyInterval study_mean_interval(const double *y, int n) {
    double m = 0, ss = 0;
    for (int i = 0; i < n; i++) m += y[i];
    m = n > 0 ? m / n : NAN;
    for (int i = 0; i < n; i++) ss += (y[i] - m) * (y[i] - m);
    return study_interval(m, n > 1 ? ss / (n - 1) / n : 0, n - 1);
}

StudyInterval study_crossed_interval(const double *y, int ns, int nj) {
    FC_ASSERT(ns > 0 && nj > 0, "study_crossed_interval needs a table of at least one seed and one start");
    if (ns == 1) return study_mean_interval(y, nj);
    double m = 0, row[512], col_m = 0;
    FC_ASSERT(ns <= 512, "study_crossed_interval takes at most 512 seeds");
    for (int i = 0; i < ns; i++) {
        row[i] = 0;
        for (int j = 0; j < nj; j++) row[i] += y[(long)i * nj + j];
        row[i] /= nj;
        m += row[i];
    }
    m /= ns;
    if (nj == 1) return study_mean_interval(row, ns);
    double ssr = 0, ssc = 0, sse = 0;
    for (int i = 0; i < ns; i++) ssr += (row[i] - m) * (row[i] - m);
    for (int j = 0; j < nj; j++) {
        col_m = 0;
        for (int i = 0; i < ns; i++) col_m += y[(long)i * nj + j];
        col_m /= ns;
        ssc += (col_m - m) * (col_m - m);
        for (int i = 0; i < ns; i++) {
            double e = y[(long)i * nj + j] - row[i] - col_m + m;
            sse += e * e;
        }
    }
    double dfr = ns - 1, dfc = nj - 1, dfe = dfr * dfc;
    double msr = nj * ssr / dfr, msc = ns * ssc / dfc, mse = sse / dfe, nn = (double)ns * nj;
    /* var(mean) = sum_k c_k MS_k / (ns nj): each component (MS - MSe) kept only when positive */
    double cr = msr > mse, cc = msc > mse, ce = 1 - cr - cc;
    double var = (cr * msr + cc * msc + ce * mse) / nn;
    double den = pow(cr * msr / nn, 2) / dfr + pow(cc * msc / nn, 2) / dfc + pow(ce * mse / nn, 2) / dfe;
    return study_interval(m, var, den > 0 ? var * var / den : 0);
}

int study_fit_power(const double *N, const double *y, int m, double floor, StudyPowerFit *f) {
    double sx = 0, sz = 0, sxx = 0, sxz = 0, szz = 0;
    int n = 0;
    f->n = 0;
    f->a = f->a_lo = f->a_hi = f->b = f->b_lo = f->b_hi = f->r2 = NAN;
    for (int i = 0; i < m; i++) {
        if (!(N[i] > 0) || !isfinite(y[i])) continue;
        double x = log(N[i]), z = log(fmax(1 - y[i], floor));
        sx += x, sz += z, sxx += x * x, sxz += x * z, szz += z * z;
        n++;
    }
    double xb = n ? sx / n : 0, zb = n ? sz / n : 0, Sxx = sxx - n * xb * xb, Sxz = sxz - n * xb * zb;
    double Szz = szz - n * zb * zb;
    if (n < 2 || Sxx <= 1e-12) return fc_set_error("a power-law fit needs at least 2 distinct dataset sizes");
    double beta = Sxz / Sxx, alpha = zb - beta * xb;
    f->n = n;
    f->a = exp(alpha);
    f->b = -beta;
    double ssr = Szz - beta * Sxz;
    f->r2 = Szz > 0 ? 1 - ssr / Szz : 1;
    if (n >= 3) {
        double s2 = fmax(ssr, 0) / (n - 2), t = study_t_quantile(0.975, n - 2);
        double se_b = sqrt(s2 / Sxx), se_a = sqrt(s2 * (1.0 / n + xb * xb / Sxx));
        f->b_lo = f->b - t * se_b, f->b_hi = f->b + t * se_b;
        f->a_lo = exp(alpha - t * se_a), f->a_hi = exp(alpha + t * se_a);
    }
    return FC_OK;
}

double study_gain(const double *y, int n, int k) {
    if (k > n / 2) k = n / 2;
    if (k < 1) return 0;
    double last = 0, prev = 0;
    for (int i = 0; i < k; i++) {
        last += y[n - 1 - i];
        prev += y[n - 1 - k - i];
    }
    return (last - prev) / k;
}

double study_trend(const double *y, int n) {
    if (n < 2) return 0;
    double xb = (n - 1) / 2.0, yb = 0, sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) yb += y[i];
    yb /= n;
    for (int i = 0; i < n; i++) {
        sxy += (i - xb) * (y[i] - yb);
        sxx += (i - xb) * (i - xb);
    }
    return sxy / sxx * (n - 1);
}

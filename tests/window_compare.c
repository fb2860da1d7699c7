/* window_compare.c: compare a windows file written by `flowchunk window` with the expectation
 * computed by tests/fixtures/window_make_fixtures.py (a numpy re-implementation of Diffusion
 * Policy's sampler and normalizer).
 * usage: window_compare WINDOWS.h5 EXPECTED.h5 GROUP [TOL]
 * GROUP holds attribute n_windows, /row (which rows of WINDOWS.h5 to check) and the expected
 * obs, action, episode, t of those rows plus obs_min/obs_max/action_min/action_max. */
#include "flowchunk/check.h"
#include "flowchunk/h5util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void *read_all(hid_t f, const char *label, const char *name, hid_t type, hsize_t dims[H5U_MAX_RANK], int *rank) {
    *rank = h5u_shape(f, name, dims);
    if (*rank < 0) {
        fprintf(stderr, "FAIL: %s: %s missing\n", label, name);
        exit(1);
    }
    size_t n = 1;
    for (int i = 0; i < *rank; i++) n *= dims[i];
    void *buf = fc_malloc((n ? n : 1) * H5Tget_size(type));
    if (n && h5u_read(f, name, type, buf) != FC_OK) {
        fprintf(stderr, "FAIL: %s: %s\n", label, fc_last_error());
        exit(1);
    }
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: window_compare WINDOWS.h5 EXPECTED.h5 GROUP [TOL]\n");
        return 2;
    }
    double tol = argc > 4 ? atof(argv[4]) : 1e-5;
    hid_t out = h5u_open_read(argv[1]), exp = h5u_open_read(argv[2]);
    if (out < 0 || exp < 0) {
        fprintf(stderr, "FAIL: %s\n", fc_last_error());
        return 1;
    }
    hid_t g = H5Gopen2(exp, argv[3], H5P_DEFAULT);
    if (g < 0) {
        fprintf(stderr, "FAIL: no group %s in %s\n", argv[3], argv[2]);
        return 1;
    }
    int64_t n_expected = 0;
    h5u_get_attr_int(g, "n_windows", &n_expected);
    hsize_t d[H5U_MAX_RANK], de[H5U_MAX_RANK], dr[H5U_MAX_RANK];
    int r, re, rr;
    int64_t *row = read_all(g, "expected", "row", H5T_NATIVE_INT64, dr, &rr);
    size_t nrow = dr[0];

    const char *fl[2] = {"obs", "action"};
    for (int k = 0; k < 2; k++) {
        char name[32];
        snprintf(name, sizeof name, "/%s", fl[k]);
        float *a = read_all(out, argv[1], name, H5T_NATIVE_FLOAT, d, &r);
        float *e = read_all(g, "expected", fl[k], H5T_NATIVE_FLOAT, de, &re);
        if (r != 2 || (int64_t)d[0] != n_expected || d[1] != de[1]) {
            fprintf(stderr, "FAIL: %s %s has shape (%llu,%llu), expected (%lld,%llu)\n", argv[3], name,
                    (unsigned long long)d[0], (unsigned long long)(r == 2 ? d[1] : 0), (long long)n_expected,
                    (unsigned long long)de[1]);
            return 1;
        }
        double worst = 0;
        for (size_t i = 0; i < nrow; i++)
            for (size_t c = 0; c < d[1]; c++) {
                double diff = fabs((double)a[row[i] * d[1] + c] - (double)e[i * d[1] + c]);
                if (!(diff <= tol) && failures++ < 10)
                    fprintf(stderr, "FAIL: %s %s row %lld col %zu: %.7g, expected %.7g\n", argv[3], name,
                            (long long)row[i], c, a[row[i] * d[1] + c], e[i * d[1] + c]);
                if (diff > worst) worst = diff;
            }
        printf("%s %s: %zu rows checked, max |diff| %.3g\n", argv[3], name, nrow, worst);
        free(a);
        free(e);
    }
    const char *il[2] = {"episode", "t"};
    for (int k = 0; k < 2; k++) {
        char name[32];
        snprintf(name, sizeof name, "/%s", il[k]);
        int32_t *a = read_all(out, argv[1], name, H5T_NATIVE_INT32, d, &r);
        int32_t *e = read_all(g, "expected", il[k], H5T_NATIVE_INT32, de, &re);
        for (size_t i = 0; i < nrow; i++)
            if (a[row[i]] != e[i] && failures++ < 10)
                fprintf(stderr, "FAIL: %s %s[%lld] = %d, expected %d\n", argv[3], name, (long long)row[i], a[row[i]], e[i]);
        free(a);
        free(e);
    }
    const char *nl[4] = {"obs_min", "obs_max", "action_min", "action_max"};
    for (int k = 0; k < 4; k++) {
        char name[32];
        snprintf(name, sizeof name, "/norm/%s", nl[k]);
        float *a = read_all(out, argv[1], name, H5T_NATIVE_FLOAT, d, &r);
        float *e = read_all(g, "expected", nl[k], H5T_NATIVE_FLOAT, de, &re);
        for (size_t i = 0; i < de[0]; i++)
            if (d[0] != de[0] || fabsf(a[i] - e[i]) > 1e-5f * (1.0f + fabsf(e[i]))) {
                if (failures++ < 10) fprintf(stderr, "FAIL: %s %s[%zu] = %g, expected %g\n", argv[3], name, i, a[i], e[i]);
            }
        free(a);
        free(e);
    }
    free(row);
    H5Gclose(g);
    H5Fclose(out);
    H5Fclose(exp);
    if (failures) {
        fprintf(stderr, "FAIL: %s: %d mismatches\n", argv[3], failures);
        return 1;
    }
    printf("%s: OK (%lld windows)\n", argv[3], (long long)n_expected);
    return 0;
}

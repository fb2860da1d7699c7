/* nn_fixture.h: reader for tests/fixtures/nn_ref.bin (written by tests/ref/gen_nn_ref.py) and the
 * tensor comparison the nn tests share. Header-only (static functions) so each test stays one .c.
 * Format: magic "FCNNREF1", uint32 version, uint32 count, then records
 * (uint32 name length, name, uint32 ndim, uint32 dims[ndim], float32 data). */
#ifndef FLOWCHUNK_TESTS_NN_FIXTURE_H
#define FLOWCHUNK_TESTS_NN_FIXTURE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char name[96];
    int ndim;
    int dims[4];
    size_t n;
    float *data;  /* own copy (records are not 4-byte aligned in the file) */
} NnRecord;

typedef struct {
    unsigned char *buf;
    int count;
    NnRecord *rec;
} NnFixture;

static uint32_t nnfx_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* loads the fixture or exits with a message (status 1: a missing committed fixture is a failure) */
static void nnfx_load(NnFixture *fx, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "nn fixture: cannot open %s\n", path); exit(1); }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    fx->buf = malloc((size_t)len);
    if (!fx->buf || fread(fx->buf, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "nn fixture: cannot read %s\n", path); exit(1);
    }
    fclose(f);
    if (len < 16 || memcmp(fx->buf, "FCNNREF1", 8) != 0 || nnfx_u32(fx->buf + 8) != 1) {
        fprintf(stderr, "nn fixture: %s is not a version-1 FCNNREF1 file\n", path); exit(1);
    }
    fx->count = (int)nnfx_u32(fx->buf + 12);
    fx->rec = calloc((size_t)fx->count, sizeof(NnRecord));
    size_t off = 16;
    for (int i = 0; i < fx->count; i++) {
        NnRecord *r = &fx->rec[i];
        uint32_t nl = nnfx_u32(fx->buf + off); off += 4;
        if (nl >= sizeof r->name) { fprintf(stderr, "nn fixture: name too long\n"); exit(1); }
        memcpy(r->name, fx->buf + off, nl); r->name[nl] = 0; off += nl;
        r->ndim = (int)nnfx_u32(fx->buf + off); off += 4;
        r->n = 1;
        for (int d = 0; d < r->ndim; d++) { r->dims[d] = (int)nnfx_u32(fx->buf + off); off += 4; r->n *= (size_t)r->dims[d]; }
        if (off + r->n * 4 > (size_t)len) { fprintf(stderr, "nn fixture: truncated at record %s\n", r->name); exit(1); }
        r->data = malloc(r->n * 4 + 4);
        memcpy(r->data, fx->buf + off, r->n * 4);  /* little-endian float32 (x86, ARM) */
        off += r->n * 4;
    }
}

static const NnRecord *nnfx_get(const NnFixture *fx, const char *name) {
    for (int i = 0; i < fx->count; i++)
        if (strcmp(fx->rec[i].name, name) == 0) return &fx->rec[i];
    fprintf(stderr, "nn fixture: no record %s\n", name);
    exit(1);
}

static void nnfx_free(NnFixture *fx) {
    for (int i = 0; i < fx->count; i++) free(fx->rec[i].data);
    free(fx->buf); free(fx->rec); memset(fx, 0, sizeof *fx);
}

/* element-wise |c - t| <= atol + rtol*|t|; prints the max abs error, the max relative error over
 * elements with |t| > 1e-6, and the worst error as a fraction of its tolerance (<= 1 passes);
 * returns 1 on failure */
static int nn_compare(const char *label, const float *c, const float *t, size_t n, double rtol, double atol) {
    double max_abs = 0, max_rel = 0, worst = 0;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)c[i] - (double)t[i]), at = fabs((double)t[i]);
        double tol = atol + rtol * at;
        if (d > max_abs) max_abs = d;
        if (at > 1e-6 && d / at > max_rel) max_rel = d / at;
        if (!(d <= tol)) bad++;  /* NaN counts as a failure */
        if (d / tol > worst || d != d) worst = d != d ? INFINITY : d / tol;
    }
    printf("  %-28s n=%-4zu max_abs=%.2e max_rel=%.2e tol_used=%.3f %s\n", label, n, max_abs, max_rel,
           worst, bad ? "FAIL" : "ok");
    return bad ? 1 : 0;
}

#endif

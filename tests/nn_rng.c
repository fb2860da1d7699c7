/* nn_rng.c: the random numbers of training. Philox4x32-10 against the Random123 known-answer
 * vectors (kat_vectors), the counter-based fills as pure functions of (key, index), the keys of
 * distinct (seed, stream, step, slot) tuples distinct, the moments of the uniform and normal
 * fills, and the sequential xoshiro256** generator (determinism, saved state, unbiased rng_below,
 * shuffles). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/rng.h"

static int fails;

static void ok_if(int cond, const char *what) {
    printf("  %-60s %s\n", what, cond ? "ok" : "FAIL");
    if (!cond) fails++;
}

static void test_philox_kat(void) {
    /* Random123 1.09 examples/kat_vectors: "philox4x32 10 <ctr x4> <key x2> <out x4>" */
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
         0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
         0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int t = 0; t < 3; t++) {
        const uint32_t *k = kat[t];
        uint32_t out[4];
        rng_philox4x32(out, (uint64_t)k[0] | (uint64_t)k[1] << 32, (uint64_t)k[2] | (uint64_t)k[3] << 32,
                       (uint64_t)k[4] | (uint64_t)k[5] << 32);
        char what[96];
        snprintf(what, sizeof what, "philox4x32-10 known answer %d (%08x %08x %08x %08x)", t, out[0], out[1],
                 out[2], out[3]);
        ok_if(memcmp(out, k + 6, sizeof out) == 0, what);
    }
}

static void test_fills(void) {
    float a[37], b[10];
    uint64_t key = rng_key(7, RNG_STREAM_FLOW_NOISE, 3, 5);
    rng_normal_fill(a, 37, key);
    rng_normal_fill(b, 10, key);
    ok_if(memcmp(a, b, sizeof b) == 0, "normal fill: value i does not depend on n");
    rng_uniform_fill(a, 37, key);
    rng_uniform_fill(b, 10, key);
    ok_if(memcmp(a, b, sizeof b) == 0, "uniform fill: value i does not depend on n");
    ok_if(rng_key(7, 1, 3, 5) == key && rng_key(7, 1, 3, 5) == rng_key(7, 1, 3, 5), "rng_key is a pure function");

    /* no collisions over a grid of tuples, and swapping fields changes the key */
    enum { N = 8 };
    static uint64_t keys[N * N * N * N];
    int n = 0, dup = 0;
    for (uint64_t s = 0; s < N; s++)
        for (uint64_t st = 0; st < N; st++)
            for (uint64_t t = 0; t < N; t++)
                for (uint64_t sl = 0; sl < N; sl++) keys[n++] = rng_key(s, st, t, sl);
    for (int i = 0; i < n && !dup; i++)
        for (int j = i + 1; j < n; j++)
            if (keys[i] == keys[j]) { dup = 1; break; }
    ok_if(!dup, "4096 (seed, stream, step, slot) tuples give distinct keys");
    ok_if(rng_key(1, 2, 3, 4) != rng_key(1, 2, 4, 3), "step and slot are not interchangeable");

    /* moments over 10^6 draws: 5-sigma bounds */
    size_t m = 1000000;
    float *x = malloc(m * sizeof(float));
    rng_uniform_fill(x, m, 99);
    double s1 = 0, s2 = 0, lo = 1, hi = 0;
    for (size_t i = 0; i < m; i++) { s1 += x[i]; s2 += (double)x[i] * x[i]; lo = fmin(lo, x[i]); hi = fmax(hi, x[i]); }
    double mean = s1 / m, var = s2 / m - mean * mean;
    ok_if(lo >= 0 && hi < 1, "uniform values in [0, 1)");
    ok_if(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / m) && fabs(var - 1.0 / 12) < 5e-4, "uniform mean 1/2, variance 1/12");
    rng_normal_fill(x, m, 100);
    double s3 = 0, s4 = 0;
    s1 = s2 = 0;
    int finite = 1;
    for (size_t i = 0; i < m; i++) {
        double v = x[i];
        finite &= isfinite(x[i]);
        s1 += v; s2 += v * v; s3 += v * v * v; s4 += v * v * v * v;
    }
    mean = s1 / m;
    ok_if(finite, "normal values finite");
    ok_if(fabs(mean) < 5 / sqrt((double)m) && fabs(s2 / m - 1) < 5 * sqrt(2.0 / m), "normal mean 0, variance 1");
    ok_if(fabs(s3 / m) < 5 * sqrt(15.0 / m) && fabs(s4 / m - 3) < 5 * sqrt(96.0 / m), "normal skew 0, kurtosis 3");
    free(x);
}

static void test_sequential(void) {
    Rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 100; i++) same &= rng_next_u64(&a) == rng_next_u64(&b);
    ok_if(same, "same seed, same sequence");
    Rng saved = a;  /* the state is a plain struct: save and restore by copy */
    uint64_t x1 = rng_next_u64(&a), x2 = rng_next_u64(&a);
    ok_if(rng_next_u64(&saved) == x1 && rng_next_u64(&saved) == x2, "saved state resumes the sequence");
    rng_seed(&b, 43);
    ok_if(rng_next_u64(&b) != x1, "another seed, another sequence");

    /* rng_below: range and chi-square uniformity for n = 3 (2 dof) and n = 10 (9 dof) */
    int counts[10] = {0}, inrange = 1;
    const int draws = 300000;
    for (int i = 0; i < draws; i++) { uint64_t v = rng_below(&a, 3); inrange &= v < 3; counts[v < 3 ? v : 0]++; }
    double chi = 0;
    for (int k = 0; k < 3; k++) chi += pow(counts[k] - draws / 3.0, 2) / (draws / 3.0);
    ok_if(inrange && chi < 20.0, "rng_below(3) in range and uniform (chi2 < 20, 2 dof)");
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < draws; i++) { uint64_t v = rng_below(&a, 10); inrange &= v < 10; counts[v < 10 ? v : 0]++; }
    chi = 0;
    for (int k = 0; k < 10; k++) chi += pow(counts[k] - draws / 10.0, 2) / (draws / 10.0);
    ok_if(inrange && chi < 35.0, "rng_below(10) in range and uniform (chi2 < 35, 9 dof)");
    ok_if(rng_below(&a, 1) == 0, "rng_below(1) = 0");
    uint64_t big = 0xFFFFFFFFFFFFFFF1ULL;
    int big_ok = 1;
    for (int i = 0; i < 1000; i++) big_ok &= rng_below(&a, big) < big;
    ok_if(big_ok, "rng_below near 2^64 stays in range");

    uint32_t idx[100];
    int seen[100] = {0}, perm = 1, moved = 0;
    for (int i = 0; i < 100; i++) idx[i] = (uint32_t)i;
    rng_shuffle_u32(&a, idx, 100);
    for (int i = 0; i < 100; i++) { perm &= idx[i] < 100 && !seen[idx[i]]; if (idx[i] < 100) seen[idx[i]] = 1; moved += idx[i] != (uint32_t)i; }
    ok_if(perm && moved > 50, "shuffle is a permutation that moves most elements");

    double s = 0, s2 = 0;
    for (int i = 0; i < 200000; i++) { double v = rng_normal(&a); s += v; s2 += v * v; }
    ok_if(fabs(s / 200000) < 0.015 && fabs(s2 / 200000 - 1) < 0.02, "sequential normal mean 0, variance 1");
    double u = 0;
    for (int i = 0; i < 200000; i++) u += rng_uniform(&a);
    ok_if(fabs(u / 200000 - 0.5) < 0.005, "sequential uniform mean 1/2");
}

int main(void) {
    test_philox_kat();
    test_fills();
    test_sequential();
    if (fails) { printf("nn_rng: %d checks FAILED\n", fails); return 1; }
    printf("nn_rng: ok\n");
    return 0;
}

/* rng_legacy.c: numpy's legacy RandomState on MT19937, ported bit for bit (numpy 1.24:
 * numpy/random/src/mt19937/mt19937.c, legacy/legacy-distributions.c and distributions.c
 * random_bounded_uint64_fill with use_masked). MT19937: Matsumoto & Nishimura 1998,
 * http://www.math.sci.hiroshima-u.ac.jp/m-mat/MT/MT2002/emt19937ar.html */
#include "rng_legacy.h"

#include <assert.h>
#include <math.h>

#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfU
#define MT_UPPER 0x80000000U
#define MT_LOWER 0x7fffffffU

void rng_legacy_seed(RngLegacy *r, uint32_t seed) {
    /* init_genrand: key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i */
    for (int pos = 0; pos < RNG_LEGACY_N; pos++) {
        r->key[pos] = seed;
        seed = 1812433253U * (seed ^ (seed >> 30)) + (uint32_t)pos + 1U;
    }
    r->pos = RNG_LEGACY_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

static void mt_generate(RngLegacy *r) {
    uint32_t y;
    int i;
    for (i = 0; i < RNG_LEGACY_N - MT_M; i++) {
        y = (r->key[i] & MT_UPPER) | (r->key[i + 1] & MT_LOWER);
        r->key[i] = r->key[i + MT_M] ^ (y >> 1) ^ (-(y & 1U) & MT_MATRIX_A);
    }
    for (; i < RNG_LEGACY_N - 1; i++) {
        y = (r->key[i] & MT_UPPER) | (r->key[i + 1] & MT_LOWER);
        r->key[i] = r->key[i + (MT_M - RNG_LEGACY_N)] ^ (y >> 1) ^ (-(y & 1U) & MT_MATRIX_A);
    }
    y = (r->key[RNG_LEGACY_N - 1] & MT_UPPER) | (r->key[0] & MT_LOWER);
    r->key[RNG_LEGACY_N - 1] = r->key[MT_M - 1] ^ (y >> 1) ^ (-(y & 1U) & MT_MATRIX_A);
    r->pos = 0;
}

uint32_t rng_legacy_next_u32(RngLegacy *r) {
    if (r->pos == RNG_LEGACY_N) mt_generate(r);
    uint32_t y = r->key[r->pos++];
    /* tempering */
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

double rng_legacy_random_sample(RngLegacy *r) {
    int32_t a = (int32_t)(rng_legacy_next_u32(r) >> 5), b = (int32_t)(rng_legacy_next_u32(r) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

int64_t rng_legacy_randint(RngLegacy *r, int64_t lo, int64_t hi) {
    assert(lo < hi && (uint64_t)(hi - 1 - lo) <= 0xFFFFFFFFu);
    uint32_t rng = (uint32_t)(hi - 1 - lo); /* inclusive range, as numpy's _rand_int64 */
    if (rng == 0) return lo;
    if (rng == 0xFFFFFFFFu) return lo + (int64_t)rng_legacy_next_u32(r);
    uint32_t mask = rng; /* smallest 2^k - 1 >= rng */
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    uint32_t val;
    while ((val = (rng_legacy_next_u32(r) & mask)) > rng) {
    }
    return lo + (int64_t)val;
}

double rng_legacy_randn(RngLegacy *r) {
    if (r->has_gauss) {
        double g = r->gauss;
        r->has_gauss = 0;
        r->gauss = 0.0;
        return g;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * rng_legacy_random_sample(r) - 1.0;
        x2 = 2.0 * rng_legacy_random_sample(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2); /* Marsaglia's polar method */
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

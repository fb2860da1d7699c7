/* rng.c: counter-based Philox4x32-10 draws keyed by (seed, stream, step, slot), and the small
 * sequential xoshiro256** generator. References in include/flowchunk/rng.h. */
#include "flowchunk/rng.h"

#include <math.h>

#include "flowchunk/check.h"

/* ---- splitmix64 (Steele, Lea & Flood 2014; constants from Vigna's splitmix64.c) */
#define RNG_GOLDEN 0x9E3779B97F4A7C15ULL

static uint64_t rng_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t rng_key(uint64_t seed, uint64_t stream, uint64_t step, uint64_t slot) {
    /* each field is absorbed after a full avalanche of the previous state, so distinct tuples
     * give unrelated keys (and Philox's 10 keyed rounds decorrelate near keys further) */
    uint64_t h = rng_mix64(seed + RNG_GOLDEN);
    h = rng_mix64((h ^ stream) + 2 * RNG_GOLDEN);
    h = rng_mix64((h ^ step) + 3 * RNG_GOLDEN);
    h = rng_mix64((h ^ slot) + 4 * RNG_GOLDEN);
    return h;
}

/* ---- Philox4x32-10 (Salmon et al. 2011, Random123 philox.h) */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void rng_philox4x32(uint32_t out[4], uint64_t ctr_lo, uint64_t ctr_hi, uint64_t key) {
    uint32_t c0 = (uint32_t)ctr_lo, c1 = (uint32_t)(ctr_lo >> 32);
    uint32_t c2 = (uint32_t)ctr_hi, c3 = (uint32_t)(ctr_hi >> 32);
    uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* 24 high bits -> [0,1): exact in float */
static float rng_u32_to_unit(uint32_t x) { return (float)(x >> 8) * (1.0f / 16777216.0f); }

void rng_uniform_fill(float *out, size_t n, uint64_t key) {
    uint32_t w[4];
    for (size_t i = 0; i < n; i += 4) {
        rng_philox4x32(w, (uint64_t)(i / 4), 0, key);
        for (size_t j = 0; j < 4 && i + j < n; j++) out[i + j] = rng_u32_to_unit(w[j]);
    }
}

/* Box-Muller on one pair of 32-bit words: u1 in (0,1] so log(u1) is finite
 * (Box & Muller 1958, https://doi.org/10.1214/aoms/1177706645) */
static void rng_box_muller(uint32_t a, uint32_t b, float *z0, float *z1) {
    double u1 = ((double)(a >> 8) + 1.0) * (1.0 / 16777216.0);
    double u2 = (double)(b >> 8) * (1.0 / 16777216.0);
    double r = sqrt(-2.0 * log(u1));
    double th = 6.283185307179586476925286766559 * u2;
    *z0 = (float)(r * cos(th));
    *z1 = (float)(r * sin(th));
}

void rng_normal_fill(float *out, size_t n, uint64_t key) {
    uint32_t w[4];
    float z[4];
    for (size_t i = 0; i < n; i += 4) {
        rng_philox4x32(w, (uint64_t)(i / 4), 0, key);
        rng_box_muller(w[0], w[1], &z[0], &z[1]);
        rng_box_muller(w[2], w[3], &z[2], &z[3]);
        for (size_t j = 0; j < 4 && i + j < n; j++) out[i + j] = z[j];
    }
}

/* ---- xoshiro256** (Blackman & Vigna 2018) */
static uint64_t rng_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(Rng *r, uint64_t seed) {
    uint64_t z = seed;
    for (int i = 0; i < 4; i++) {
        z += RNG_GOLDEN;
        r->s[i] = rng_mix64(z);
    }
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) r->s[0] = 1;
}

uint64_t rng_next_u64(Rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return result;
}

double rng_uniform(Rng *r) { return (double)(rng_next_u64(r) >> 11) * 0x1.0p-53; }

double rng_normal(Rng *r) {
    double u1 = 1.0 - rng_uniform(r); /* (0,1] */
    double u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925286766559 * u2);
}

uint64_t rng_below(Rng *r, uint64_t n) {
    FC_ASSERT(n >= 1, "rng_below needs a range of at least one value");
    /* Lemire's nearly-divisionless multiply-shift with rejection */
    unsigned __int128 m = (unsigned __int128)rng_next_u64(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t threshold = (0 - n) % n;
        while (lo < threshold) {
            m = (unsigned __int128)rng_next_u64(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void rng_shuffle_u32(Rng *r, uint32_t *idx, size_t n) {
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        uint32_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

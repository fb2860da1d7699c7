/* rng_pcg64.c: numpy's SeedSequence and PCG64 Generator, ported bit for bit from numpy 1.24
 * (numpy/random/bit_generator.pyx SeedSequence, src/pcg64/pcg64.h, src/distributions/
 * distributions.c random_bounded_uint64_fill with use_masked = false).
 * PCG: O'Neill 2014, https://www.pcg-random.org/ ; SeedSequence: https://numpy.org/doc/1.24/
 * reference/random/bit_generators/generated/numpy.random.SeedSequence.html ; bounded integers:
 * Lemire 2019, https://arxiv.org/abs/1805.10941 */
#include "rng_pcg64.h"

#include <assert.h>

/* ---- SeedSequence (pool size 4, 32-bit words) */
#define SS_POOL 4
#define SS_INIT_A 0x43b0d7e5U
#define SS_MULT_A 0x931e8875U
#define SS_INIT_B 0x8b51f9ddU
#define SS_MULT_B 0x58f38dedU
#define SS_MIX_MULT_L 0xca01f9ddU
#define SS_MIX_MULT_R 0x4973f715U
#define SS_XSHIFT 16

static uint32_t ss_hashmix(uint32_t value, uint32_t *hash_const) {
    value ^= *hash_const;
    *hash_const *= SS_MULT_A;
    value *= *hash_const;
    value ^= value >> SS_XSHIFT;
    return value;
}

static uint32_t ss_mix(uint32_t x, uint32_t y) {
    uint32_t result = SS_MIX_MULT_L * x - SS_MIX_MULT_R * y;
    result ^= result >> SS_XSHIFT;
    return result;
}

void rng_pcg64_seed_sequence(uint64_t entropy, uint32_t *out, int n_words) {
    /* the integer as little-endian 32-bit words (0 -> one zero word) */
    uint32_t ent[2];
    int n_ent = 0;
    if (entropy == 0) ent[n_ent++] = 0;
    while (entropy > 0) {
        ent[n_ent++] = (uint32_t)(entropy & 0xFFFFFFFFu);
        entropy >>= 32;
    }
    uint32_t pool[SS_POOL], hash_const = SS_INIT_A;
    for (int i = 0; i < SS_POOL; i++) pool[i] = ss_hashmix(i < n_ent ? ent[i] : 0u, &hash_const);
    for (int src = 0; src < SS_POOL; src++)
        for (int dst = 0; dst < SS_POOL; dst++)
            if (src != dst) pool[dst] = ss_mix(pool[dst], ss_hashmix(pool[src], &hash_const));
    /* n_ent <= 2 < pool size: no remaining entropy to fold in */
    uint32_t hc = SS_INIT_B;
    for (int i = 0; i < n_words; i++) {
        uint32_t v = pool[i % SS_POOL];
        v ^= hc;
        hc *= SS_MULT_B;
        v *= hc;
        v ^= v >> SS_XSHIFT;
        out[i] = v;
    }
}

/* ---- PCG64 (XSL-RR, 128-bit LCG) */
#define PCG_MULT ((((RngU128)2549297995355413924ULL) << 64) | 4865540595714422341ULL)

static void pcg_step(RngPcg64 *r) { r->state = r->state * PCG_MULT + r->inc; }

void rng_pcg64_seed(RngPcg64 *r, uint64_t seed) {
    uint32_t w[8];
    rng_pcg64_seed_sequence(seed, w, 8); /* generate_state(4, uint64): pairs of words, little-endian */
    uint64_t v[4];
    for (int i = 0; i < 4; i++) v[i] = (uint64_t)w[2 * i] | ((uint64_t)w[2 * i + 1] << 32);
    RngU128 initstate = ((RngU128)v[0] << 64) | v[1], initseq = ((RngU128)v[2] << 64) | v[3];
    /* pcg_setseq_128_srandom_r */
    r->state = 0;
    r->inc = (initseq << 1) | 1u;
    pcg_step(r);
    r->state += initstate;
    pcg_step(r);
    r->has_uint32 = 0;
    r->uinteger = 0;
}

uint64_t rng_pcg64_next_u64(RngPcg64 *r) {
    pcg_step(r);
    uint64_t hi = (uint64_t)(r->state >> 64), lo = (uint64_t)r->state;
    unsigned rot = (unsigned)(hi >> 58);
    uint64_t x = hi ^ lo;
    return (x >> rot) | (x << ((64u - rot) & 63u));
}

uint32_t rng_pcg64_next_u32(RngPcg64 *r) {
    if (r->has_uint32) {
        r->has_uint32 = 0;
        return r->uinteger;
    }
    uint64_t next = rng_pcg64_next_u64(r);
    r->has_uint32 = 1;
    r->uinteger = (uint32_t)(next >> 32);
    return (uint32_t)(next & 0xFFFFFFFFu);
}

double rng_pcg64_next_double(RngPcg64 *r) {
    return (double)(rng_pcg64_next_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t bounded_lemire_u32(RngPcg64 *r, uint32_t rng) {
    const uint32_t rng_excl = rng + 1;
    uint64_t m = (uint64_t)rng_pcg64_next_u32(r) * rng_excl;
    uint32_t leftover = (uint32_t)(m & 0xFFFFFFFFu);
    if (leftover < rng_excl) {
        const uint32_t threshold = (UINT32_MAX - rng) % rng_excl;
        while (leftover < threshold) {
            m = (uint64_t)rng_pcg64_next_u32(r) * rng_excl;
            leftover = (uint32_t)(m & 0xFFFFFFFFu);
        }
    }
    return (uint32_t)(m >> 32);
}

static uint64_t bounded_lemire_u64(RngPcg64 *r, uint64_t rng) {
    const uint64_t rng_excl = rng + 1;
    RngU128 m = (RngU128)rng_pcg64_next_u64(r) * rng_excl;
    uint64_t leftover = (uint64_t)m;
    if (leftover < rng_excl) {
        const uint64_t threshold = (UINT64_MAX - rng) % rng_excl;
        while (leftover < threshold) {
            m = (RngU128)rng_pcg64_next_u64(r) * rng_excl;
            leftover = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

int64_t rng_pcg64_integers(RngPcg64 *r, int64_t lo, int64_t hi) {
    assert(lo < hi);
    uint64_t rng = (uint64_t)hi - 1u - (uint64_t)lo, off = (uint64_t)lo; /* inclusive range */
    uint64_t v;
    if (rng == 0) v = 0;
    else if (rng == 0xFFFFFFFFu) v = rng_pcg64_next_u32(r);
    else if (rng < 0xFFFFFFFFu) v = bounded_lemire_u32(r, (uint32_t)rng);
    else if (rng == UINT64_MAX) v = rng_pcg64_next_u64(r);
    else v = bounded_lemire_u64(r, rng);
    return (int64_t)(off + v);
}

double rng_pcg64_uniform(RngPcg64 *r, double lo, double hi) {
    double range = hi - lo;
    return lo + range * rng_pcg64_next_double(r);
}

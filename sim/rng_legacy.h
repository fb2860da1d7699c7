/* rng_legacy.h (private to sim/): numpy's legacy RandomState (MT19937) as Diffusion Policy's
 * PushTEnv uses it: seed, randint(lo,hi) with masked rejection, randn (polar Box-Muller, cached)
 * and random_sample (53-bit doubles). Bit-identical to numpy 1.24. */
#ifndef FLOWCHUNK_SIM_RNG_LEGACY_H
#define FLOWCHUNK_SIM_RNG_LEGACY_H

#include <stdint.h>

#define RNG_LEGACY_N 624

typedef struct {
    uint32_t key[RNG_LEGACY_N]; /* MT19937 state words */
    int pos;                    /* next word to temper; N means "regenerate" */
    int has_gauss;              /* randn caches the second value of each polar pair */
    double gauss;
} RngLegacy;

/* RandomState(seed) for an integer seed in [0, 2^32): MT19937 init_genrand */
void rng_legacy_seed(RngLegacy *r, uint32_t seed);
/* one tempered 32-bit output (genrand_int32) */
uint32_t rng_legacy_next_u32(RngLegacy *r);
/* random_sample(): (a*2^26 + b) / 2^53 from two 32-bit draws (a = u>>5, b = u>>6) */
double rng_legacy_random_sample(RngLegacy *r);
/* randint(lo, hi) with hi exclusive, lo < hi, range < 2^32 (numpy's masked rejection) */
int64_t rng_legacy_randint(RngLegacy *r, int64_t lo, int64_t hi);
/* randn(): legacy polar Box-Muller */
double rng_legacy_randn(RngLegacy *r);

#endif

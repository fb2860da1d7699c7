/* rng_pcg64.h (private to sim/): numpy's Generator(PCG64(SeedSequence(seed))) as gym-pusht and
 * CS 185 HW1 seed it (np.random.default_rng(seed)): integers(lo,hi) and uniform(lo,hi),
 * bit-identical to numpy 1.24. */
#ifndef FLOWCHUNK_SIM_RNG_PCG64_H
#define FLOWCHUNK_SIM_RNG_PCG64_H

#include <stdint.h>

__extension__ typedef unsigned __int128 RngU128;

typedef struct {
    RngU128 state, inc; /* PCG XSL-RR 128/64 */
    int has_uint32;     /* numpy's bit generator hands out 64-bit draws as two 32-bit halves */
    uint32_t uinteger;
} RngPcg64;

/* PCG64(SeedSequence(seed)); seed is the non-negative integer entropy */
void rng_pcg64_seed(RngPcg64 *r, uint64_t seed);
uint64_t rng_pcg64_next_u64(RngPcg64 *r);
/* low half of a fresh 64-bit draw, then its high half on the next call */
uint32_t rng_pcg64_next_u32(RngPcg64 *r);
/* (u64 >> 11) / 2^53 in [0,1) */
double rng_pcg64_next_double(RngPcg64 *r);
/* Generator.integers(lo, hi) (int64, hi exclusive): Lemire's bounded method, 32-bit draws when
 * the range fits in 32 bits, 64-bit draws otherwise */
int64_t rng_pcg64_integers(RngPcg64 *r, int64_t lo, int64_t hi);
/* Generator.uniform(lo, hi) = lo + (hi - lo) * next_double */
double rng_pcg64_uniform(RngPcg64 *r, double lo, double hi);

/* numpy.random.SeedSequence(entropy).generate_state(n_words, uint32) for entropy < 2^64 */
void rng_pcg64_seed_sequence(uint64_t entropy, uint32_t *out, int n_words);

#endif

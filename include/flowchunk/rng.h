/* rng.h: random numbers for flowchunk, two kinds.
 *  1. Counter-based (Philox4x32-10, Salmon et al. 2011, "Parallel Random Numbers: As Easy as
 *     1, 2, 3", https://www.thesalmons.org/john/random123/papers/random123sc11.pdf): every random
 *     number of training is a pure function of (seed, stream, step, slot, index), so a sample's
 *     noise never depends on which rank computes it or in which order.
 *  2. A small sequential generator (xoshiro256**, Blackman & Vigna 2018, https://prng.di.unimi.it/)
 *     for initialisation and shuffling; its state is a plain struct a checkpoint can store. */
#ifndef FLOWCHUNK_RNG_H
#define FLOWCHUNK_RNG_H

#include <stddef.h>
#include <stdint.h>

/* streams: independent families of counter-based draws (pass as `stream` to rng_key) */
enum {
    RNG_STREAM_FLOW_NOISE = 1, /* A0 ~ N(0,I) of the flow-matching loss, per (step, slot) */
    RNG_STREAM_FLOW_TAU = 2,   /* tau ~ U[0,1) of the flow-matching loss, per (step, slot) */
    RNG_STREAM_SHUFFLE = 3,    /* epoch permutations of the data loader */
    RNG_STREAM_SAMPLE = 4,     /* initial noise of policy_sample (inference) */
    RNG_STREAM_EVAL = 5,       /* evaluation episode seeds and the like */
    RNG_STREAM_USER = 16       /* first stream number free for other modules */
};

/* 64-bit key of the draw family (seed, stream, step, slot): a splitmix64-style hash chain
 * (Steele et al. 2014, https://doi.org/10.1145/2714064.2660195) */
uint64_t rng_key(uint64_t seed, uint64_t stream, uint64_t step, uint64_t slot);
/* one Philox4x32-10 block: 4 random 32-bit words for counter (ctr_hi:ctr_lo) under `key` */
void rng_philox4x32(uint32_t out[4], uint64_t ctr_lo, uint64_t ctr_hi, uint64_t key);
/* out[i] = U[0,1) (24-bit resolution) for i = 0..n-1, the i-th draw of the family `key` */
void rng_uniform_fill(float *out, size_t n, uint64_t key);
/* out[i] = N(0,1) by Box-Muller (pairs of draws from the uniform family `key`) */
void rng_normal_fill(float *out, size_t n, uint64_t key);

/* sequential generator; the state is four words, save/restore it as-is */
typedef struct {
    uint64_t s[4];
} Rng;

/* seeds the state from `seed` through splitmix64 (never all zero) */
void rng_seed(Rng *r, uint64_t seed);
uint64_t rng_next_u64(Rng *r);
/* U[0,1) with 53-bit resolution */
double rng_uniform(Rng *r);
/* N(0,1) by Box-Muller (one value per call, the sine branch discarded: state stays 4 words) */
double rng_normal(Rng *r);
/* unbiased integer in [0, n) (Lemire 2019, https://arxiv.org/abs/1805.10941); n >= 1 */
uint64_t rng_below(Rng *r, uint64_t n);
/* Fisher-Yates shuffle of idx[0..n-1] */
void rng_shuffle_u32(Rng *r, uint32_t *idx, size_t n);

#endif

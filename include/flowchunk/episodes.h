/* episodes.h: the episodes file (DESIGN.md "Data flow" 1), Diffusion Policy's replay-buffer layout
 * in HDF5: /data/state f32 [N,5], /data/action f32 [N,2], /data/keypoint f32 [N,9,2] (optional),
 * /meta/episode_ends i64 [E] (exclusive, increasing, last == N), /meta/episode_seed i64 [E]
 * (reset seed, -1 unknown); optional per-episode outcome from `flowchunk demos`:
 * /meta/final_coverage f32 [E], /meta/max_coverage f32 [E], /meta/success u8 [E].
 * Root attributes: format = "flowchunk-episodes", version = 1, source.
 * Episodes files are small (the real data is 25,650 steps), so every reader loads them whole. */
#ifndef FLOWCHUNK_EPISODES_H
#define FLOWCHUNK_EPISODES_H

#include <stdint.h>

#define EPISODES_FORMAT "flowchunk-episodes"
#define EPISODES_VERSION 1

typedef struct {
    int64_t n_steps;       /* N */
    int64_t n_episodes;    /* E */
    float *state;          /* (N, 5) */
    float *action;         /* (N, 2) */
    float *keypoint;       /* (N, 9, 2) or NULL */
    int64_t *episode_ends; /* (E) exclusive */
    int64_t *episode_seed; /* (E) */
    float *final_coverage; /* (E) or NULL */
    float *max_coverage;   /* (E) or NULL */
    uint8_t *success;      /* (E) or NULL */
    char source[512];      /* where the data came from */
} Episodes;

/* allocate arrays for n_steps/n_episodes (keypoint and outcome arrays only when asked) */
void episodes_init(Episodes *ep, int64_t n_steps, int64_t n_episodes, int with_keypoint, int with_outcome);
void episodes_free(Episodes *ep);
/* consistency: ends increasing, last == N, first > 0, no NaN/Inf; FC_OK or FC_ERR + fc_set_error */
int episodes_validate(const Episodes *ep, const char *label);
/* read and validate a whole episodes file; FC_OK or FC_ERR + fc_set_error("PATH: what is wrong") */
int episodes_read(Episodes *ep, const char *path);
/* write atomically (temp, fsync, rename); FC_OK or FC_ERR */
int episodes_write(const Episodes *ep, const char *path);
/* episode e spans [episodes_start(ep,e), ep->episode_ends[e]) */
static inline int64_t episodes_start(const Episodes *ep, int64_t e) { return e ? ep->episode_ends[e - 1] : 0; }
/* the shortest and the longest episode, in steps */
void episodes_length_range(const Episodes *ep, int64_t *min, int64_t *max);

#endif

/* simtool.h: the work behind `flowchunk sim`'s inspection tools: a seeded reset, the replay of
 * a data set's recorded actions, an episode rendered as a GIF, a state stepped by given actions.
 * Data sets are episodes files or zarr directory stores. Implemented in src/simtool.c. */
#ifndef FLOWCHUNK_SIMTOOL_H
#define FLOWCHUNK_SIMTOOL_H

#include "flowchunk/pusht.h"

#include <stdint.h>

/* `sim reset`: the sampled reset of `seed`, the observation after placing it, its coverage */
typedef struct {
    double sampled[PUSHT_STATE_DIM], obs[PUSHT_STATE_DIM], keypoints[PUSHT_KEYPOINT_DIM];
    double coverage;
} SimtoolReset;
void simtool_reset(uint64_t seed, PushtResetKind kind, SimtoolReset *r);

/* where a replayed episode starts: its seed's reset, its restored first state, or the seed
 * when its reset reproduces the recorded first state (within 1e-4) */
typedef enum { SIMTOOL_START_AUTO, SIMTOOL_START_SEED, SIMTOOL_START_STATE } SimtoolStart;

/* `sim replay`: every episode of `path` replayed from its start (one line per episode on
 * stderr when verbose); the largest error over states compared (NaN counts as the worst) */
typedef struct {
    int64_t episodes, states, from_seed; /* from_seed: episodes started from their seeded reset */
    double max_err;                      /* px, rad */
    int64_t worst;                       /* the episode of max_err, -1 when none */
} SimtoolReplay;
/* FC_OK, or FC_ERR + fc_set_error (unreadable data, an episode without a seed under START_SEED) */
int simtool_replay(const char *path, SimtoolStart start, int verbose, SimtoolReplay *r);

/* `sim render`: episode `episode` of `path` replayed (START_AUTO) and drawn into an animated GIF */
typedef struct {
    int64_t episode;
    const char *gif;     /* the GIF to write */
    const char *png_dir; /* also DIR/frame_0000.png ...; NULL: none (DIR is created) */
    int size;            /* px, width = height */
    double fps;
    int recorded;        /* draw the recorded states instead of the simulated ones */
} SimtoolRender;
typedef struct {
    int64_t frames;
    int from_seed;       /* started from the episode's seeded reset (else its restored state) */
    double final_coverage;
} SimtoolRendered;
/* FC_OK, or FC_ERR + fc_set_error (unreadable data, no such episode, an unwritable output) */
int simtool_render(const char *path, const SimtoolRender *o, SimtoolRendered *r);

/* `sim step`: from `state` (restored; NULL: the reset of seed/kind) apply the n actions; states
 * (n+1, 5) and coverage (n+1) after each, the start first */
void simtool_step(const double *state, uint64_t seed, PushtResetKind kind, const double (*actions)[2], int n,
                  double (*states)[PUSHT_STATE_DIM], double *coverage);

#endif

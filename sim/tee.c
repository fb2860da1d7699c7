/* tee.c: the T block's geometry in body coordinates and its placement in the world (see tee.h).
 * Reference: add_tee in diffusion_policy/env/pusht/pusht_env.py (scale 30, length 4). */
#include "tee.h"
#include "flowchunk/pusht.h"

#include <math.h>

const double TEE_BOXES[2][4][2] = {
    /* crossbar: x in [-60,60], y in [0,30] */
    {{-TEE_BAR_HALF, TEE_BAR_DEPTH}, {TEE_BAR_HALF, TEE_BAR_DEPTH}, {TEE_BAR_HALF, 0}, {-TEE_BAR_HALF, 0}},
    /* stem: x in [-15,15], y in [30,120] */
    {{-TEE_STEM_HALF, TEE_BAR_DEPTH}, {-TEE_STEM_HALF, TEE_LENGTH}, {TEE_STEM_HALF, TEE_LENGTH},
     {TEE_STEM_HALF, TEE_BAR_DEPTH}},
};

const double PUSHT_TEE_OUTLINE[PUSHT_TEE_OUTLINE_N][2] = {
    {-TEE_BAR_HALF, 0},          {TEE_BAR_HALF, 0},          {TEE_BAR_HALF, TEE_BAR_DEPTH},
    {TEE_STEM_HALF, TEE_BAR_DEPTH}, {TEE_STEM_HALF, TEE_LENGTH}, {-TEE_STEM_HALF, TEE_LENGTH},
    {-TEE_STEM_HALF, TEE_BAR_DEPTH}, {-TEE_BAR_HALF, TEE_BAR_DEPTH},
};

const double TEE_KEYPOINTS[TEE_N_KEYPOINTS][2] = {
    {9.26979, 90.04097},   {-60.98347, -1.18673}, {60.91276, -1.39336},
    {-0.27050, 25.54363},  {-14.06493, 122.81585}, {39.00274, 32.85740},
    {-39.96641, 32.72966}, {-16.82434, 62.86318},  {23.54146, -1.70029},
};

TeePose tee_pose(double x, double y, double angle) {
    TeePose p = {cos(angle), sin(angle), x, y};
    return p;
}

void tee_to_world(const TeePose *p, const double local[2], double world[2]) {
    world[0] = p->c * local[0] + (-p->s) * local[1] + p->tx;
    world[1] = p->s * local[0] + p->c * local[1] + p->ty;
}

void tee_world_boxes(const TeePose *p, double out[2][4][2]) {
    for (int b = 0; b < 2; b++)
        for (int v = 0; v < 4; v++) tee_to_world(p, TEE_BOXES[b][v], out[b][v]);
}

void pusht_state_to_keypoints(const double state[PUSHT_STATE_DIM], double kp[PUSHT_KEYPOINT_DIM]) {
    TeePose p = tee_pose(state[2], state[3], state[4]);
    for (int k = 0; k < TEE_N_KEYPOINTS; k++) tee_to_world(&p, TEE_KEYPOINTS[k], kp + 2 * k);
    kp[18] = state[0];
    kp[19] = state[1];
}

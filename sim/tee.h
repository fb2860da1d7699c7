/* tee.h (private to sim/): the T block's geometry, shared by the physics, coverage, keypoints and
 * the renderer. Body coordinates: the origin is the midpoint of the crossbar's outer edge and the
 * stem points along +y (PUSHT.md "World"). */
#ifndef FLOWCHUNK_SIM_TEE_H
#define FLOWCHUNK_SIM_TEE_H

/* the T's dimensions (px): the crossbar is [-TEE_BAR_HALF, TEE_BAR_HALF] x [0, TEE_BAR_DEPTH], the
 * stem [-TEE_STEM_HALF, TEE_STEM_HALF] x [TEE_BAR_DEPTH, TEE_LENGTH]; every copy derives from these */
#define TEE_BAR_HALF 60.0
#define TEE_BAR_DEPTH 30.0
#define TEE_STEM_HALF 15.0
#define TEE_LENGTH 120.0

#define TEE_MASS 1.0
#define TEE_MOMENT 3000.0 /* the reference's 1500 (crossbar about the origin) added twice */
#define TEE_COG_X 0.0
#define TEE_COG_Y 45.0 /* mean of the box centroids (0,15) and (0,75) */
#define TEE_AREA 6300.0
#define TEE_N_KEYPOINTS 9

/* the two boxes (crossbar, stem), vertices in the reference's add_tee order */
extern const double TEE_BOXES[2][4][2];
/* Diffusion Policy's 9 low-dim keypoints in body coordinates */
extern const double TEE_KEYPOINTS[TEE_N_KEYPOINTS][2];

/* is the body-coordinate point (lx, ly) inside (or on the boundary of) the T? */
static inline int tee_contains_local(double lx, double ly) {
    if (ly >= 0 && ly <= TEE_BAR_DEPTH && lx >= -TEE_BAR_HALF && lx <= TEE_BAR_HALF) return 1;
    return ly >= TEE_BAR_DEPTH && ly <= TEE_LENGTH && lx >= -TEE_STEM_HALF && lx <= TEE_STEM_HALF;
}

/* a rigid placement: world = [c -s; s c] * local + (tx, ty) */
typedef struct {
    double c, s, tx, ty;
} TeePose;

/* the pose of a body whose origin is at (x, y) with `angle` (radians) */
TeePose tee_pose(double x, double y, double angle);
/* a local point in world coordinates (the same arithmetic as cpTransformPoint) */
void tee_to_world(const TeePose *p, const double local[2], double world[2]);
/* both boxes in world coordinates */
void tee_world_boxes(const TeePose *p, double out[2][4][2]);

#endif

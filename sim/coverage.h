/* coverage.h (private to sim/): exact area of overlap between two placed T blocks. */
#ifndef FLOWCHUNK_SIM_COVERAGE_H
#define FLOWCHUNK_SIM_COVERAGE_H

#include "tee.h"

/* area of the intersection of two convex polygons (vertices in either orientation, n, m <= 8) */
double coverage_convex_overlap(const double (*p)[2], int n, const double (*q)[2], int m);
/* area(T at a ∩ T at b) in px^2: the sum over the 2x2 box pairs (the boxes of a T only touch) */
double coverage_tee_overlap(const TeePose *a, const TeePose *b);
/* area(T at block ∩ T at goal) / 6300 */
double coverage_tee(const TeePose *block, const TeePose *goal);

#endif

/* coverage.c: exact Push-T coverage, area(block T ∩ goal T) / area(goal T), by convex polygon
 * clipping instead of the reference's shapely call. Each T is two interior-disjoint convex boxes,
 * so the intersection area is the sum over the 2x2 box pairs of convex intersections, each found
 * with Sutherland-Hodgman clipping (https://en.wikipedia.org/wiki/Sutherland%E2%80%93Hodgman_algorithm)
 * and measured with the shoelace formula (https://en.wikipedia.org/wiki/Shoelace_formula). */
#include "coverage.h"
#include "flowchunk/pusht.h"

#include <math.h>

#define MAX_VERTS 64 /* 4 vertices, each of the 4 clips at most doubles them */

static double signed_area(const double (*p)[2], int n) {
    double s = 0.0;
    for (int i = 0, j = n - 1; i < n; j = i++) s += p[j][0] * p[i][1] - p[i][0] * p[j][1];
    return 0.5 * s;
}

/* keep the part of poly (n vertices) on the inner side of the directed line a->b; orient = +1 when
 * the clipping polygon is counter-clockwise (inside = left), -1 otherwise */
static int clip_half_plane(const double (*poly)[2], int n, const double a[2], const double b[2], double orient,
                           double (*out)[2]) {
    int m = 0;
    double ex = orient * (b[0] - a[0]), ey = orient * (b[1] - a[1]);
    const double *p = poly[n - 1];
    double dp = ex * (p[1] - a[1]) - ey * (p[0] - a[0]);
    for (int i = 0; i < n; i++) { /* the edge p -> q, q = poly[i] */
        const double *q = poly[i];
        double dq = ex * (q[1] - a[1]) - ey * (q[0] - a[0]);
        if ((dp >= 0) != (dq >= 0)) { /* the edge crosses the line: keep the crossing point */
            double t = dp / (dp - dq);
            out[m][0] = p[0] + t * (q[0] - p[0]);
            out[m][1] = p[1] + t * (q[1] - p[1]);
            m++;
        }
        if (dq >= 0) {
            out[m][0] = q[0];
            out[m][1] = q[1];
            m++;
        }
        p = q;
        dp = dq;
    }
    return m;
}

double coverage_convex_overlap(const double (*p)[2], int n, const double (*q)[2], int m) {
    double buf[2][MAX_VERTS][2];
    double orient = signed_area(q, m) >= 0 ? 1.0 : -1.0;
    int k = n, cur = 0;
    for (int i = 0; i < n; i++) {
        buf[0][i][0] = p[i][0];
        buf[0][i][1] = p[i][1];
    }
    for (int e = 0, f = m - 1; e < m && k > 0; f = e++) {
        k = clip_half_plane((const double (*)[2])buf[cur], k, q[f], q[e], orient, buf[1 - cur]);
        cur = 1 - cur;
    }
    return k < 3 ? 0.0 : fabs(signed_area((const double (*)[2])buf[cur], k));
}

/* axis-aligned bounds of a box: lo x, lo y, hi x, hi y */
static void box_bounds(const double (*p)[2], double bb[4]) {
    bb[0] = bb[2] = p[0][0];
    bb[1] = bb[3] = p[0][1];
    for (int i = 1; i < 4; i++) {
        bb[0] = fmin(bb[0], p[i][0]);
        bb[2] = fmax(bb[2], p[i][0]);
        bb[1] = fmin(bb[1], p[i][1]);
        bb[3] = fmax(bb[3], p[i][1]);
    }
}

double coverage_tee_overlap(const TeePose *a, const TeePose *b) {
    double pa[2][4][2], pb[2][4][2], ba[2][4], bb[2][4];
    tee_world_boxes(a, pa);
    tee_world_boxes(b, pb);
    for (int i = 0; i < 2; i++) {
        box_bounds((const double (*)[2])pa[i], ba[i]);
        box_bounds((const double (*)[2])pb[i], bb[i]);
    }
    double area = 0.0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            /* boxes whose bounds are apart intersect in nothing: skip the clipping (exactly 0) */
            if (ba[i][2] < bb[j][0] || bb[j][2] < ba[i][0] || ba[i][3] < bb[j][1] || bb[j][3] < ba[i][1]) continue;
            area += coverage_convex_overlap((const double (*)[2])pa[i], 4, (const double (*)[2])pb[j], 4);
        }
    return area;
}

double coverage_tee(const TeePose *block, const TeePose *goal) {
    return coverage_tee_overlap(block, goal) / TEE_AREA;
}

double pusht_coverage_pose(const double block[3], const double goal[3]) {
    TeePose b = tee_pose(block[0], block[1], block[2]), g = tee_pose(goal[0], goal[1], goal[2]);
    return coverage_tee(&b, &g);
}

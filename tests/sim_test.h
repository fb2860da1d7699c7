/* sim_test.h: tiny helpers shared by the simulator tests (tests/sim_*.c): a failure counter with
 * messages (expect.h), bit-exact double comparison, and the real data loader (FC_ZARR, exit 77 when absent). */
#ifndef FLOWCHUNK_SIM_TEST_H
#define FLOWCHUNK_SIM_TEST_H

#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "flowchunk/zarr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "expect.h"

/* bit-equal doubles (0 ulp; +0 and -0 differ, as numpy's values would) */
static inline int same_bits(double a, double b) {
    uint64_t x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    return x == y;
}

/* a fixture path under FC_FIXTURES (set by tests/CMakeLists.txt) */
static inline const char *fixture_path(const char *name) {
    static char p[4096];
    const char *dir = getenv("FC_FIXTURES");
    snprintf(p, sizeof p, "%s/%s", dir ? dir : "fixtures", name);
    return p;
}

/* the real Push-T data, or exit 77 (skipped) when FC_ZARR is unset or absent */
static inline void load_real_data(Episodes *ep) {
    const char *dir = getenv("FC_ZARR");
    struct stat st;
    if (!dir || stat(dir, &st) != 0) {
        printf("SKIP: the real Push-T zarr is absent (FC_ZARR=%s)\n", dir ? dir : "(unset)");
        exit(77);
    }
    if (zarr_read_episodes(dir, ep) != FC_OK) {
        fprintf(stderr, "FAIL: cannot read %s: %s\n", dir, fc_last_error());
        exit(1);
    }
}

static inline int finish(const char *name) {
    if (failures) {
        fprintf(stderr, "%s: %d failure(s)\n", name, failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

#endif

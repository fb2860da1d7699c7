/* sim_rng.c: the numpy RNG ports (sim/rng_legacy.c, sim/rng_pcg64.c) against numpy itself, through
 * tests/fixtures/rng_resets.txt (written by gen_rng.py with numpy 1.24): for every seed, the
 * Push-T reset state and 4 further draws of the same stream must be EXACTLY equal (integers equal,
 * doubles bit-equal). Legacy RandomState on 1056 seeds, gym PCG64 on 1062 seeds. */
#include "flowchunk/pusht.h"
#include "rng_legacy.h"
#include "rng_pcg64.h"
#include "sim_test.h"

#include <inttypes.h>
#include <math.h>

static void check_line(char kind, uint64_t seed, const double *want, int *n_legacy, int *n_gym) {
    double s[PUSHT_STATE_DIM], extra[4];
    if (kind == 'L') {
        pusht_sample_reset(seed, PUSHT_RESET_LEGACY, s);
        /* the same stream continued: randn (cached second value), random_sample, randint, randn */
        RngLegacy r;
        rng_legacy_seed(&r, (uint32_t)seed);
        for (int i = 0; i < 4; i++) (void)rng_legacy_randint(&r, i < 2 ? 50 : 100, i < 2 ? 450 : 400);
        (void)rng_legacy_randn(&r);
        extra[0] = rng_legacy_randn(&r);
        extra[1] = rng_legacy_random_sample(&r);
        extra[2] = (double)rng_legacy_randint(&r, 0, 1000);
        extra[3] = rng_legacy_randn(&r);
        (*n_legacy)++;
    } else {
        pusht_sample_reset(seed, PUSHT_RESET_GYM, s);
        RngPcg64 r;
        rng_pcg64_seed(&r, seed);
        for (int i = 0; i < 4; i++) (void)rng_pcg64_integers(&r, i < 2 ? 50 : 100, i < 2 ? 450 : 400);
        (void)rng_pcg64_uniform(&r, -M_PI, M_PI);
        extra[0] = (double)rng_pcg64_integers(&r, 0, 1000);
        extra[1] = (double)rng_pcg64_integers(&r, 0, INT64_C(1) << 40); /* 64-bit Lemire path */
        extra[2] = rng_pcg64_uniform(&r, 0, 1);
        extra[3] = (double)rng_pcg64_integers(&r, 0, 3);
        (*n_gym)++;
    }
    for (int i = 0; i < PUSHT_STATE_DIM; i++)
        EXPECT(same_bits(s[i], want[i]), "%c seed %" PRIu64 " reset[%d]: C %.17g numpy %.17g", kind, seed, i, s[i],
               want[i]);
    for (int i = 0; i < 4; i++)
        EXPECT(same_bits(extra[i], want[5 + i]), "%c seed %" PRIu64 " extra draw %d: C %.17g numpy %.17g", kind, seed, i,
               extra[i], want[5 + i]);
}

int main(void) {
    const char *path = fixture_path("rng_resets.txt");
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "FAIL: cannot open %s\n", path);
        return 1;
    }
    char line[1024];
    int n_legacy = 0, n_gym = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char kind;
        unsigned long long seed;
        double v[9];
        int n = sscanf(line, "%c %llu %lf %lf %lf %lf %lf %lf %lf %lf %lf", &kind, &seed, &v[0], &v[1], &v[2], &v[3],
                       &v[4], &v[5], &v[6], &v[7], &v[8]);
        EXPECT(n == 11 && (kind == 'L' || kind == 'G'), "malformed fixture line: %s", line);
        if (n == 11) check_line(kind, seed, v, &n_legacy, &n_gym);
    }
    fclose(f);
    printf("compared %d legacy and %d gym seeds\n", n_legacy, n_gym);
    EXPECT(n_legacy >= 1000 && n_gym >= 1000, "the fixture must hold >= 1000 seeds of each kind");

    /* a known MT19937 value: init_genrand(5489) -> 3499211612 (the reference implementation's first output) */
    RngLegacy r;
    rng_legacy_seed(&r, 5489);
    EXPECT(rng_legacy_next_u32(&r) == 3499211612u, "MT19937(5489) first output");
    PushtResetKind k = PUSHT_RESET_GYM;
    EXPECT(pusht_reset_kind_parse("legacy", &k) == 0 && k == PUSHT_RESET_LEGACY, "parse legacy");
    EXPECT(pusht_reset_kind_parse("gym", &k) == 0 && k == PUSHT_RESET_GYM, "parse gym");
    EXPECT(pusht_reset_kind_parse("pcg", &k) != 0, "an unknown reset kind is rejected");
    return finish("sim_rng");
}

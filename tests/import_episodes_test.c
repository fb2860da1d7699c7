/* import_episodes_test.c: the episodes file round trip (write atomically, read back, equal
 * bit for bit, with and without keypoints/outcome arrays) and the validation sentences for
 * bad episode_ends, NaN/Inf values, wrong shapes and wrong formats. */
#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "flowchunk/h5util.h"
#include "expect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the last error must be exactly `want` */
#define EXPECT_ERR(want) do { if (strcmp(fc_last_error(), want) != 0) { \
    fprintf(stderr, "FAIL %s:%d: error was '%s', expected '%s'\n", __FILE__, __LINE__, fc_last_error(), want); \
    failures++; } } while (0)

/* a small 3-episode data set: lengths 4, 3, 5 */
static void make(Episodes *ep, int with_kp, int with_outcome) {
    episodes_init(ep, 12, 3, with_kp, with_outcome);
    for (int i = 0; i < 12 * 5; i++) ep->state[i] = 100.0f + 0.25f * (float)i;
    for (int i = 0; i < 12 * 2; i++) ep->action[i] = 200.0f - (float)i;
    if (with_kp) for (int i = 0; i < 12 * 18; i++) ep->keypoint[i] = (float)i / 7.0f;
    int64_t ends[3] = {4, 7, 12};
    for (int i = 0; i < 3; i++) ep->episode_ends[i] = ends[i], ep->episode_seed[i] = 10 + i;
    ep->episode_seed[2] = -1;
    if (with_outcome)
        for (int i = 0; i < 3; i++) {
            ep->final_coverage[i] = 0.5f + 0.1f * (float)i;
            ep->max_coverage[i] = 0.6f + 0.1f * (float)i;
            ep->success[i] = i == 2;
        }
    snprintf(ep->source, sizeof ep->source, "unit test");
}

static int same_f(const float *a, const float *b, size_t n) {
    if (!a || !b) return a == b;
    return memcmp(a, b, n * sizeof(float)) == 0;
}

static void roundtrip(const char *path, int with_kp, int with_outcome) {
    Episodes a, b;
    make(&a, with_kp, with_outcome);
    EXPECT(episodes_validate(&a, "x") == FC_OK);
    EXPECT(episodes_write(&a, path) == FC_OK);
    EXPECT(episodes_read(&b, path) == FC_OK);
    EXPECT(b.n_steps == 12 && b.n_episodes == 3);
    EXPECT(same_f(a.state, b.state, 60) && same_f(a.action, b.action, 24) && same_f(a.keypoint, b.keypoint, 216));
    EXPECT(b.episode_ends && memcmp(a.episode_ends, b.episode_ends, 3 * sizeof(int64_t)) == 0);
    EXPECT(b.episode_seed && memcmp(a.episode_seed, b.episode_seed, 3 * sizeof(int64_t)) == 0);
    EXPECT(same_f(a.final_coverage, b.final_coverage, 3) && same_f(a.max_coverage, b.max_coverage, 3));
    EXPECT(with_outcome ? (b.success && memcmp(a.success, b.success, 3) == 0) : b.success == NULL);
    EXPECT(strcmp(b.source, "unit test") == 0);
    EXPECT(episodes_start(&b, 0) == 0 && episodes_start(&b, 2) == 7);
    episodes_free(&a);
    episodes_free(&b);
}

/* `--write PATH outcome|generic|noformat|badshape`: write a small file for the `flowchunk info` test and exit */
static int write_sample(const char *path, const char *kind) {
    if (!strcmp(kind, "outcome")) {
        Episodes ep;
        make(&ep, 0, 1);
        int rc = episodes_write(&ep, path);
        episodes_free(&ep);
        if (rc) fprintf(stderr, "%s\n", fc_last_error());
        return rc;
    }
    char tmp[4200];
    hid_t f = h5u_create_atomic(path, tmp, sizeof tmp);
    float obs[4 * 6] = {0};
    int32_t ep_idx[4] = {0, 0, 1, 1};
    hsize_t d_obs[2] = {4, 6}, d_ep[1] = {4};
    int badshape = !strcmp(kind, "badshape"); /* an episodes file with /data/state (12,4) */
    if (badshape) {
        hsize_t d_state[2] = {12, 4}, d_act[2] = {12, 2}, d_e[1] = {3};
        float z[60] = {0};
        int64_t ends[3] = {4, 7, 12};
        int bad = f < 0 || h5u_set_attr_str(f, "format", EPISODES_FORMAT) || h5u_set_attr_int(f, "version", 1) ||
                  h5u_write(f, "data/state", H5T_NATIVE_FLOAT, 2, d_state, z, 0) ||
                  h5u_write(f, "data/action", H5T_NATIVE_FLOAT, 2, d_act, z, 0) ||
                  h5u_write(f, "meta/episode_ends", H5T_NATIVE_INT64, 1, d_e, ends, 0);
        if (bad || h5u_commit_atomic(f, tmp, path)) { fprintf(stderr, "%s\n", fc_last_error()); return 1; }
        return 0;
    }
    int noformat = !strcmp(kind, "noformat"); /* a plain HDF5 file */
    int bad = f < 0 || (!noformat && h5u_set_attr_str(f, "format", "flowchunk-future")) ||
              h5u_set_attr_int(f, "version", 1) ||
              h5u_set_attr_int(f, "horizon", 16) || h5u_set_attr_double(f, "scale", 0.5) ||
              h5u_write(f, "obs", H5T_NATIVE_FLOAT, 2, d_obs, obs, 2) ||
              h5u_write(f, "val/episode", H5T_NATIVE_INT32, 1, d_ep, ep_idx, 0);
    if (bad || h5u_commit_atomic(f, tmp, path)) { fprintf(stderr, "%s\n", fc_last_error()); return 1; }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "--write")) return write_sample(argv[2], argv[3]);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/episodes_test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[600];
    snprintf(path, sizeof path, "%s/ep.h5", dir);

    roundtrip(path, 1, 1);
    roundtrip(path, 0, 0); /* overwrites the previous file atomically */

    /* validation sentences */
    Episodes ep;
    make(&ep, 1, 1);
    ep.episode_ends[1] = 3;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    EXPECT_ERR("f.h5: episode_ends not increasing at index 1 (3 after 4)");
    ep.episode_ends[1] = 7;
    ep.episode_ends[2] = 10;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    EXPECT_ERR("f.h5: episode_ends[-1] = 10 but /data/state has 12 rows");
    ep.episode_ends[2] = 12;
    ep.episode_ends[0] = 0;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    EXPECT_ERR("f.h5: episode_ends[0] = 0 but episodes must not be empty");
    ep.episode_ends[0] = 4;
    ep.action[2 * 9 + 1] = NAN;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    EXPECT_ERR("f.h5: NaN in /data/action row 9");
    ep.action[2 * 9 + 1] = 1.0f;
    ep.state[5 * 11] = INFINITY;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    EXPECT_ERR("f.h5: Inf in /data/state row 11");
    ep.state[5 * 11] = 1.0f;
    ep.keypoint[18 * 3 + 17] = NAN;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    EXPECT_ERR("f.h5: NaN in /data/keypoint row 3");
    ep.keypoint[18 * 3 + 17] = 0.0f;
    ep.episode_seed[1] = -7;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_ERR);
    ep.episode_seed[1] = 3;
    EXPECT(episodes_validate(&ep, "f.h5") == FC_OK);

    /* an invalid set is never written, and nothing is left behind */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    ep.episode_ends[1] = 2;
    EXPECT(episodes_write(&ep, bad) == FC_ERR);
    EXPECT(access(bad, F_OK) != 0);
    episodes_free(&ep);

    /* hand-made files with wrong shapes / formats: one sentence each */
    hsize_t d_state[2] = {12, 4}, d_act[2] = {12, 2}, d_e[1] = {3};
    float zeros[60] = {0};
    int64_t ends[3] = {4, 7, 12};
    char tmp[800];
    hid_t f = h5u_create_atomic(bad, tmp, sizeof tmp);
    h5u_set_attr_str(f, "format", EPISODES_FORMAT);
    h5u_set_attr_int(f, "version", EPISODES_VERSION);
    h5u_write(f, "data/state", H5T_NATIVE_FLOAT, 2, d_state, zeros, 0);
    h5u_write(f, "data/action", H5T_NATIVE_FLOAT, 2, d_act, zeros, 0);
    h5u_write(f, "meta/episode_ends", H5T_NATIVE_INT64, 1, d_e, ends, 0);
    EXPECT(h5u_commit_atomic(f, tmp, bad) == FC_OK);
    EXPECT(episodes_read(&ep, bad) == FC_ERR);
    char want[900];
    snprintf(want, sizeof want, "%s: /data/state has shape (12,4), expected (N,5)", bad);
    EXPECT_ERR(want);
    EXPECT(ep.state == NULL && ep.episode_ends == NULL);

    f = h5u_create_atomic(bad, tmp, sizeof tmp);
    h5u_set_attr_str(f, "format", "flowchunk-windows");
    EXPECT(h5u_commit_atomic(f, tmp, bad) == FC_OK);
    EXPECT(episodes_read(&ep, bad) == FC_ERR);
    snprintf(want, sizeof want, "%s: is a 'flowchunk-windows' file, expected 'flowchunk-episodes'", bad);
    EXPECT_ERR(want);

    /* a file without episode_seed reads with seeds -1 */
    d_state[1] = 5;
    f = h5u_create_atomic(bad, tmp, sizeof tmp);
    h5u_set_attr_str(f, "format", EPISODES_FORMAT);
    h5u_set_attr_int(f, "version", EPISODES_VERSION);
    h5u_write(f, "data/state", H5T_NATIVE_FLOAT, 2, d_state, zeros, 0);
    h5u_write(f, "data/action", H5T_NATIVE_FLOAT, 2, d_act, zeros, 0);
    h5u_write(f, "meta/episode_ends", H5T_NATIVE_INT64, 1, d_e, ends, 0);
    EXPECT(h5u_commit_atomic(f, tmp, bad) == FC_OK);
    EXPECT(episodes_read(&ep, bad) == FC_OK);
    EXPECT(ep.n_episodes == 3 && ep.episode_seed && ep.episode_seed[0] == -1 && ep.episode_seed[2] == -1);
    EXPECT(ep.keypoint == NULL && ep.success == NULL);
    episodes_free(&ep);

    unlink(bad);
    unlink(path);
    rmdir(dir);
    if (failures) fprintf(stderr, "import_episodes_test: %d failure(s)\n", failures);
    else fprintf(stderr, "import_episodes_test: ok\n");
    return failures ? 1 : 0;
}

/* import_zarr_test.c: the zarr importer against what zarr-python reads from the real Push-T
 * release (tests/fixtures/import_pusht.txt, made by tests/fixtures/make_import_fixture.py):
 * counts, the first ten episode ends, an FNV-1a 64 hash of every array and sample values.
 *   import_zarr_test FIXTURE              reads $FC_ZARR with zarr_read_episodes (77 if absent)
 *   import_zarr_test FIXTURE EPISODES.h5  checks an imported episodes file the same way */
#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "flowchunk/zarr.h"
#include "zarr_internal.h"
#include "expect.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


/* FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/) of the bytes */
static uint64_t fnv1a64(const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

/* the array of `ep` named like the zarr array, its element count and size */
static const void *array_of(const Episodes *ep, const char *name, size_t *count, size_t *es) {
    size_t n = (size_t)ep->n_steps;
    if (!strcmp(name, "data/state")) { *count = n * 5; *es = 4; return ep->state; }
    if (!strcmp(name, "data/action")) { *count = n * 2; *es = 4; return ep->action; }
    if (!strcmp(name, "data/keypoint")) { *count = n * 18; *es = 4; return ep->keypoint; }
    if (!strcmp(name, "meta/episode_ends")) { *count = (size_t)ep->n_episodes; *es = 8; return ep->episode_ends; }
    return NULL;
}

static void check_fixture(const Episodes *ep, const char *fixture) {
    FILE *f = fopen(fixture, "r");
    if (!f) { fprintf(stderr, "cannot open fixture %s\n", fixture); failures++; return; }
    char line[512], name[64];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        long long v, idx;
        unsigned long long h;
        double x;
        if (line[0] == '#') continue;
        if (sscanf(line, "episodes %lld", &v) == 1) { EXPECT(ep->n_episodes == v); checked++; }
        else if (sscanf(line, "steps %lld", &v) == 1) { EXPECT(ep->n_steps == v); checked++; }
        else if (!strncmp(line, "first_ends ", 11)) {
            char *s = line + 11;
            for (int i = 0; i < 10; i++) EXPECT(ep->episode_ends[i] == strtoll(s, &s, 10));
            checked++;
        } else if (sscanf(line, "hash %63s %llx", name, &h) == 2) {
            size_t count, es;
            const void *a = array_of(ep, name, &count, &es);
            EXPECT(a != NULL);
            if (a && fnv1a64(a, count * es) != h) {
                fprintf(stderr, "FAIL: %s hash %016" PRIx64 ", zarr-python gives %016llx\n", name, fnv1a64(a, count * es), h);
                failures++;
            }
            checked++;
        } else if (sscanf(line, "value %63s %lld %lf", name, &idx, &x) == 3) {
            size_t count, es;
            const void *a = array_of(ep, name, &count, &es);
            EXPECT(a && (size_t)idx < count);
            if (a && (size_t)idx < count) {
                double got = es == 4 ? (double)((const float *)a)[idx] : (double)((const int64_t *)a)[idx];
                if (got != x) {
                    fprintf(stderr, "FAIL: %s[%lld] = %.9g, zarr-python gives %.9g\n", name, idx, got, x);
                    failures++;
                }
            }
            checked++;
        }
    }
    fclose(f);
    EXPECT(checked >= 27);
    for (int64_t i = 0; i < ep->n_episodes; i++) EXPECT(ep->episode_seed[i] == i);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: import_zarr_test FIXTURE [EPISODES.h5]\n"); return 2; }
    Episodes ep;
    if (argc > 2) {
        if (episodes_read(&ep, argv[2]) != FC_OK) { fprintf(stderr, "FAIL: %s\n", fc_last_error()); return 1; }
        EXPECT(strstr(ep.source, "pusht_cchi_v7_replay.zarr") != NULL);
    } else {
        const char *zarr = getenv("FC_ZARR");
        struct stat st;
        if (!zarr || stat(zarr, &st) != 0) {
            fprintf(stderr, "skipped: the real Push-T zarr is absent (FC_ZARR=%s)\n", zarr ? zarr : "");
            return 77;
        }
        if (zarr_read_episodes(zarr, &ep) != FC_OK) { fprintf(stderr, "FAIL: %s\n", fc_last_error()); return 1; }
        /* a generic array read of an array the importer does not use */
        ZarrArray nc;
        EXPECT(zarr_array_init(&nc, zarr, "data/n_contacts") == FC_OK);
        EXPECT(nc.rank == 2 && nc.shape[0] == 25650 && nc.shape[1] == 1 && nc.chunks[0] == 161);
        EXPECT(!strcmp(nc.dtype, "<f4") && nc.elem_size == 4 && !strcmp(nc.compressor, "blosc"));
        zarr_array_free(&nc);
        EXPECT(zarr_has_array(zarr, "data/state") && !zarr_has_array(zarr, "data/nope"));
        ZarrArray missing;
        EXPECT(zarr_array_init(&missing, zarr, "data/nope") == FC_ERR && missing.data == NULL);
    }
    EXPECT(ep.keypoint != NULL);
    check_fixture(&ep, argv[1]);
    episodes_free(&ep);
    fprintf(stderr, "import_zarr_test: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

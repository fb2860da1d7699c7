/* fuzz_make_seeds.c: cuts the committed seed corpus of the zarr and episodes fuzz targets from the
 * real Push-T store: the first STEPS steps of episode 0, split into two episodes, as (1) a zarr
 * record stream for fuzz_zarr (blosc zstd + bitshuffle chunks of CHUNK rows, like the real store)
 * and (2) an episodes file. make_seeds.sh derives the windows and checkpoint seeds from (2).
 *   fuzz_make_seeds REAL_ZARR OUT_ZARR_SEED OUT_EPISODES_H5 */
#include "flowchunk/check.h"
#include "flowchunk/episodes.h"
#include "flowchunk/zarr.h"

#include <blosc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STEPS = 24, CHUNK = 16 };

/* one record of fuzz_zarr's stream: file id, 2-byte length, bytes */
static void put_record(FILE *f, int id, const void *bytes, size_t n) {
    if (n > 65535) { fprintf(stderr, "record too long\n"); exit(1); }
    unsigned char h[3] = {(unsigned char)id, (unsigned char)(n & 255), (unsigned char)(n >> 8)};
    fwrite(h, 1, 3, f);
    fwrite(bytes, 1, n, f);
}

/* .zarray text + blosc chunks of an array of `rows` x `row` elements of `es` bytes */
static void put_array(FILE *f, int meta_id, const int *chunk_ids, const char *dtype, const char *shape_tail,
                      const void *data, int rows, int row, int es, int chunk_rows) {
    char meta[512];
    int n = snprintf(meta, sizeof meta,
                     "{\"chunks\":[%d%s],\"compressor\":{\"blocksize\":0,\"clevel\":5,\"cname\":\"zstd\",\"id\":"
                     "\"blosc\",\"shuffle\":2},\"dtype\":\"%s\",\"fill_value\":0,\"filters\":null,\"order\":\"C\","
                     "\"shape\":[%d%s],\"zarr_format\":2}",
                     chunk_rows, shape_tail, dtype, rows, shape_tail);
    put_record(f, meta_id, meta, (size_t)n);
    size_t chunk_bytes = (size_t)chunk_rows * row * es;
    char *raw = calloc(1, chunk_bytes), *out = malloc(chunk_bytes + BLOSC_MAX_OVERHEAD);
    for (int c = 0; c * chunk_rows < rows; c++) {
        int take = rows - c * chunk_rows < chunk_rows ? rows - c * chunk_rows : chunk_rows;
        memset(raw, 0, chunk_bytes); /* zarr v2 stores edge chunks full size */
        memcpy(raw, (const char *)data + (size_t)c * chunk_bytes, (size_t)take * row * es);
        int cb = blosc_compress_ctx(5, BLOSC_BITSHUFFLE, (size_t)es, chunk_bytes, raw, out,
                                    chunk_bytes + BLOSC_MAX_OVERHEAD, "zstd", 0, 1);
        if (cb <= 0) { fprintf(stderr, "blosc failed\n"); exit(1); }
        put_record(f, chunk_ids[c], out, (size_t)cb);
    }
    free(raw);
    free(out);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: fuzz_make_seeds REAL_ZARR OUT_ZARR_SEED OUT_EPISODES_H5\n");
        return 2;
    }
    Episodes all, ep;
    if (zarr_read_episodes(argv[1], &all) != FC_OK) { fprintf(stderr, "%s\n", fc_last_error()); return 1; }
    episodes_init(&ep, STEPS, 2, all.keypoint != NULL, 0);
    memcpy(ep.state, all.state, STEPS * 5 * sizeof(float));
    memcpy(ep.action, all.action, STEPS * 2 * sizeof(float));
    if (all.keypoint) memcpy(ep.keypoint, all.keypoint, STEPS * 18 * sizeof(float));
    ep.episode_ends[0] = STEPS / 2;
    ep.episode_ends[1] = STEPS;
    ep.episode_seed[0] = 0;
    ep.episode_seed[1] = 1;
    snprintf(ep.source, sizeof ep.source, "first %d steps of %s", STEPS, argv[1]);
    FILE *f = fopen(argv[2], "wb");
    if (!f) { perror(argv[2]); return 1; }
    /* ids as in fuzz_zarr.c's ZARR_FILES */
    const int state_ids[] = {1, 2}, action_ids[] = {4, 5}, kp_ids[] = {7, 8}, ends_ids[] = {10};
    put_array(f, 0, state_ids, "<f4", ",5", ep.state, STEPS, 5, 4, CHUNK);
    put_array(f, 3, action_ids, "<f4", ",2", ep.action, STEPS, 2, 4, CHUNK);
    if (ep.keypoint) put_array(f, 6, kp_ids, "<f4", ",9,2", ep.keypoint, STEPS, 18, 4, CHUNK);
    put_array(f, 9, ends_ids, "<i8", "", ep.episode_ends, 2, 1, 8, 2);
    fclose(f);
    int rc = episodes_write(&ep, argv[3]);
    if (rc != FC_OK) fprintf(stderr, "%s\n", fc_last_error());
    episodes_free(&ep);
    episodes_free(&all);
    return rc == FC_OK ? 0 : 1;
}

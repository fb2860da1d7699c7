/* import_zarr_edit.c: test helper that corrupts a COPY of a zarr store the way a buggy writer
 * would, without Python: sets one element of a blosc chunk and recompresses it with the same
 * codec (zstd, clevel 5, bitshuffle), so the chunk itself stays valid and only the values are bad.
 *   import_zarr_edit CHUNK_FILE f4|i8 FLAT_INDEX VALUE      (VALUE may be nan/inf) */
#include <blosc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[2], "f4") && strcmp(argv[2], "i8"))) {
        fprintf(stderr, "usage: import_zarr_edit CHUNK_FILE f4|i8 FLAT_INDEX VALUE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    static char in[1 << 22], raw[1 << 22], out[(1 << 22) + BLOSC_MAX_OVERHEAD];
    size_t len = fread(in, 1, sizeof in, f);
    fclose(f);
    size_t nbytes = 0, cbytes = 0, blocksize = 0, typesize = 0;
    int flags = 0;
    blosc_cbuffer_sizes(in, &nbytes, &cbytes, &blocksize);
    blosc_cbuffer_metainfo(in, &typesize, &flags);
    if (cbytes != len || nbytes > sizeof raw || blosc_decompress_ctx(in, raw, sizeof raw, 1) != (int)nbytes) {
        fprintf(stderr, "%s: not an intact blosc chunk\n", argv[1]);
        return 1;
    }
    long idx = atol(argv[3]);
    size_t es = argv[2][0] == 'f' ? 4 : 8;
    if (idx < 0 || (size_t)idx * es >= nbytes) { fprintf(stderr, "index out of range\n"); return 1; }
    if (es == 4) {
        float v = strtof(argv[4], NULL);
        memcpy(raw + (size_t)idx * 4, &v, 4);
    } else {
        int64_t v = strtoll(argv[4], NULL, 10);
        memcpy(raw + (size_t)idx * 8, &v, 8);
    }
    int shuffle = (flags & BLOSC_DOBITSHUFFLE) ? BLOSC_BITSHUFFLE : (flags & BLOSC_DOSHUFFLE) ? BLOSC_SHUFFLE : BLOSC_NOSHUFFLE;
    int n = blosc_compress_ctx(5, shuffle, typesize, nbytes, raw, out, sizeof out, "zstd", 0, 1);
    if (n <= 0) { fprintf(stderr, "blosc_compress failed\n"); return 1; }
    f = fopen(argv[1], "wb");
    if (!f || fwrite(out, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0) { perror(argv[1]); return 1; }
    return 0;
}

/* zarr_internal.h: the reader for zarr v2 directory stores under zarr.h, enough for Diffusion
 * Policy's Push-T release: .zarray metadata parsed with cJSON, chunks decompressed with libblosc
 * (or stored raw), numeric little-endian dtypes, C order, every chunk required (a missing chunk
 * is corrupt input here, not fill_value). Spec:
 * https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html. Private to src/zarr.c and its test
 * (tests/import_zarr_test.c). */
#ifndef FLOWCHUNK_ZARR_INTERNAL_H
#define FLOWCHUNK_ZARR_INTERNAL_H

#include "flowchunk/zarr.h"

#include <stdint.h>

#define ZARR_MAX_RANK 4

typedef struct {
    char dtype[8];                  /* as in .zarray: "<f4", "<i8", "|u1", ... */
    int elem_size;                  /* bytes per element */
    int rank;                       /* 1..ZARR_MAX_RANK */
    int64_t shape[ZARR_MAX_RANK];   /* array shape */
    int64_t chunks[ZARR_MAX_RANK];  /* chunk shape */
    int64_t count;                  /* elements = product of shape */
    char compressor[16];            /* "blosc" or "none" */
    void *data;                     /* (shape...) C order, native byte order; malloc'd */
} ZarrArray;

/* *a = the whole array `name` (e.g. "data/state") of the store at `dir`; free with
 * zarr_array_free. FC_OK, or FC_ERR + fc_set_error("DIR/NAME: what is wrong") (missing
 * .zarray/chunk, truncated or corrupt chunk, unsupported dtype/order/compressor/filters,
 * inconsistent sizes); a->data is NULL on failure */
int zarr_array_init(ZarrArray *a, const char *dir, const char *name);
void zarr_array_free(ZarrArray *a);
/* 1 if `dir`/`name` holds an array (a .zarray file), else 0 */
int zarr_has_array(const char *dir, const char *name);

#endif

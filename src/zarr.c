/* zarr.c: a zarr v2 directory-store reader (zarr.h) and the Push-T replay-buffer importer
 * behind `flowchunk import`. Metadata (.zarray) is parsed with cJSON; chunks are decompressed
 * with libblosc, which also undoes the shuffle/bitshuffle filter recorded in each chunk's header
 * (blosc 1.x bitshuffles only blocks whose element count is a multiple of 8 and copies the
 * others: decompression mirrors that by itself). Every chunk's size is checked against its blosc
 * header BEFORE decompression, since blosc 1.x trusts the header's compressed size; a first pass
 * probes every chunk file (present, size and header fit the array) before the array is allocated,
 * and chunk byte counts are bounded before any product of them can overflow.
 * Spec: https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html;
 * blosc header: https://github.com/Blosc/c-blosc/blob/main/README_CHUNK_FORMAT.rst */
#include "flowchunk/zarr.h"
#include "zarr_internal.h"
#include "flowchunk/check.h"

#include <blosc.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* refuse arrays larger than this (a corrupt .zarray, not a real data set) */
#define ZARR_MAX_BYTES ((int64_t)1 << 36)
/* refuse chunks larger than this: zarr chunks are megabytes; a blosc 1.x chunk cannot exceed 2 GB */
#define ZARR_MAX_CHUNK_BYTES ((int64_t)1 << 28)

void zarr_array_free(ZarrArray *a) {
    free(a->data);
    memset(a, 0, sizeof *a);
}

/* read a whole file: 0 on success (*buf malloc'd, NUL-terminated), else errno */
static int zarr_slurp(const char *path, char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return EISDIR;
    }
    size_t n = (size_t)st.st_size;
    char *b = fc_malloc(n + 1);
    size_t got = fread(b, 1, n, f);
    int err = ferror(f) ? EIO : 0;
    fclose(f);
    if (err || got != n) {
        free(b);
        return err ? err : EIO;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* "DIR/NAME" without a doubled slash */
static void zarr_join(char *out, size_t n, const char *dir, const char *name) {
    size_t l = strlen(dir);
    while (l > 1 && dir[l - 1] == '/') l--;
    snprintf(out, n, "%.*s/%s", (int)l, dir, name);
}

int zarr_has_array(const char *dir, const char *name) {
    char p[4096], q[4200];
    zarr_join(p, sizeof p, dir, name);
    snprintf(q, sizeof q, "%s/.zarray", p);
    struct stat st;
    return stat(q, &st) == 0 && S_ISREG(st.st_mode);
}

/* element size of a supported dtype ("<f4", "|u1", ...), or 0 */
static int zarr_dtype_size(const char *dt) {
    static const char *const ok[] = {"<f4", "<f8", "<i2", "<i4", "<i8", "<u2", "<u4", "<u8", "|i1", "|u1", "|b1"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(dt, ok[i]) == 0) return dt[2] - '0';
    return 0;
}

/* a JSON array of non-negative integers (positive when `positive`) of length <= ZARR_MAX_RANK */
static int zarr_json_dims(const cJSON *j, int64_t *out, int positive) {
    if (!cJSON_IsArray(j)) return -1;
    int n = cJSON_GetArraySize(j);
    if (n < 1 || n > ZARR_MAX_RANK) return -1;
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(j, i);
        if (!cJSON_IsNumber(v)) return -1;
        double d = v->valuedouble;
        if (d != floor(d) || d < (positive ? 1 : 0) || d > 1e15) return -1;
        out[i] = (int64_t)d;
    }
    return n;
}

/* parse and check DIR/NAME/.zarray into a (data not allocated); label is "DIR/NAME" */
static int zarr_parse_meta(const char *label, ZarrArray *a, char *sep) {
    char path[4200];
    snprintf(path, sizeof path, "%s/.zarray", label);
    char *text = NULL;
    size_t len = 0;
    int err = zarr_slurp(path, &text, &len);
    if (err == ENOENT) return fc_set_error("%s: array is missing (no .zarray)", label);
    if (err) return fc_set_error("%s/.zarray: %s", label, strerror(err));
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return fc_set_error("%s/.zarray: not valid JSON", label);
    }
    int rc = FC_ERR;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(j, "zarr_format");
    const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(j, "dtype");
    const cJSON *order = cJSON_GetObjectItemCaseSensitive(j, "order");
    const cJSON *filters = cJSON_GetObjectItemCaseSensitive(j, "filters");
    const cJSON *comp = cJSON_GetObjectItemCaseSensitive(j, "compressor");
    const cJSON *dsep = cJSON_GetObjectItemCaseSensitive(j, "dimension_separator");
    int rank = zarr_json_dims(cJSON_GetObjectItemCaseSensitive(j, "shape"), a->shape, 0);
    int crank = zarr_json_dims(cJSON_GetObjectItemCaseSensitive(j, "chunks"), a->chunks, 1);
    if (!cJSON_IsNumber(fmt) || fmt->valuedouble != 2) {
        fc_set_error("%s/.zarray: zarr_format is not 2 (only zarr v2 stores are supported)", label);
    } else if (!cJSON_IsString(dtype) || !zarr_dtype_size(dtype->valuestring)) {
        fc_set_error("%s/.zarray: unsupported dtype %s (expected a little-endian number type such as \"<f4\")",
                     label, cJSON_IsString(dtype) ? dtype->valuestring : "(missing)");
    } else if (!cJSON_IsString(order) || strcmp(order->valuestring, "C") != 0) {
        fc_set_error("%s/.zarray: order must be \"C\" (Fortran order is not supported)", label);
    } else if (filters && !cJSON_IsNull(filters)) {
        fc_set_error("%s/.zarray: filters are not supported (expected null)", label);
    } else if (rank < 0 || crank != rank) {
        fc_set_error("%s/.zarray: shape/chunks missing, malformed or of different lengths", label);
    } else if (dsep && !(cJSON_IsString(dsep) && (!strcmp(dsep->valuestring, ".") || !strcmp(dsep->valuestring, "/")))) {
        fc_set_error("%s/.zarray: dimension_separator must be \".\" or \"/\"", label);
    } else if (comp && !cJSON_IsNull(comp) &&
               !(cJSON_IsObject(comp) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(comp, "id")))) {
        fc_set_error("%s/.zarray: malformed compressor", label);
    } else {
        const char *id = (comp && !cJSON_IsNull(comp)) ? cJSON_GetObjectItemCaseSensitive(comp, "id")->valuestring
                                                       : "none";
        if (strcmp(id, "blosc") != 0 && strcmp(id, "none") != 0) {
            fc_set_error("%s/.zarray: compressor '%s' is not supported (blosc or none)", label, id);
        } else {
            snprintf(a->compressor, sizeof a->compressor, "%s", id);
            snprintf(a->dtype, sizeof a->dtype, "%s", dtype->valuestring);
            a->elem_size = zarr_dtype_size(a->dtype);
            a->rank = rank;
            *sep = dsep ? dsep->valuestring[0] : '.';
            a->count = 1;
            int too_big = 0;
            for (int d = 0; d < rank; d++) {
                if (a->shape[d] && a->count > ZARR_MAX_BYTES / a->shape[d]) too_big = 1;
                else a->count *= a->shape[d];
            }
            int64_t chunk = a->elem_size; /* checked before any product can overflow */
            for (int d = 0; d < rank && chunk <= ZARR_MAX_CHUNK_BYTES; d++)
                chunk = a->chunks[d] > ZARR_MAX_CHUNK_BYTES ? ZARR_MAX_CHUNK_BYTES + 1 : chunk * a->chunks[d];
            if (too_big || a->count > ZARR_MAX_BYTES / a->elem_size)
                fc_set_error("%s/.zarray: shape is implausibly large (over %lld bytes)", label,
                             (long long)ZARR_MAX_BYTES);
            else if (chunk > ZARR_MAX_CHUNK_BYTES)
                fc_set_error("%s/.zarray: chunks are implausibly large (over %lld bytes per chunk)", label,
                             (long long)ZARR_MAX_CHUNK_BYTES);
            else rc = FC_OK;
        }
    }
    cJSON_Delete(j);
    return rc;
}

/* checks a chunk file of len bytes whose first bytes are hdr (at least BLOSC_MIN_HEADER_LENGTH
 * when len allows) against what the array needs, BEFORE anything is allocated for it */
static int zarr_check_chunk(const char *path, const ZarrArray *a, const char *hdr, size_t len, size_t chunk_bytes) {
    if (strcmp(a->compressor, "none") == 0) {
        if (len != chunk_bytes) return fc_set_error("%s: raw chunk has %zu bytes, expected %zu", path, len, chunk_bytes);
        return FC_OK;
    }
    size_t nbytes = 0, cbytes = 0, blocksize = 0, vbytes = 0;
    if (len < BLOSC_MIN_HEADER_LENGTH)
        return fc_set_error("%s: truncated chunk (%zu bytes, shorter than a blosc header)", path, len);
    blosc_cbuffer_sizes(hdr, &nbytes, &cbytes, &blocksize);
    if (cbytes == 0 && nbytes == 0) return fc_set_error("%s: not a blosc chunk (unknown header version)", path);
    if (cbytes > len)
        return fc_set_error("%s: truncated chunk (%zu bytes, its blosc header says %zu)", path, len, cbytes);
    if (cbytes < len)
        return fc_set_error("%s: chunk has %zu trailing bytes after its blosc data (corrupt)", path, len - cbytes);
    if (nbytes != chunk_bytes)
        return fc_set_error("%s: chunk decompresses to %zu bytes, expected %zu (chunks x dtype %s)", path, nbytes,
                            chunk_bytes, a->dtype);
    if (blosc_cbuffer_validate(hdr, len, &vbytes) != 0 || vbytes != chunk_bytes)
        return fc_set_error("%s: corrupt blosc header", path);
    return FC_OK;
}

/* the first pass over the chunk grid: every chunk file exists and its size / blosc header fits
 * the array, so a corrupt .zarray or chunk never makes us allocate what the files cannot hold */
static int zarr_probe_chunk(const char *path, const ZarrArray *a, size_t chunk_bytes) {
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? fc_set_error("%s: chunk file is missing", path)
                                   : fc_set_error("%s: %s", path, strerror(errno));
    struct stat st;
    char hdr[BLOSC_MIN_HEADER_LENGTH] = {0};
    int rc;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) rc = fc_set_error("%s: not a regular file", path);
    else if (fread(hdr, 1, sizeof hdr, f) != ((size_t)st.st_size < sizeof hdr ? (size_t)st.st_size : sizeof hdr))
        rc = fc_set_error("%s: %s", path, strerror(EIO));
    else rc = zarr_check_chunk(path, a, hdr, (size_t)st.st_size, chunk_bytes);
    fclose(f);
    return rc;
}

/* decode one chunk file into chunk (chunk_bytes); FC_OK or FC_ERR + message naming the file */
static int zarr_read_chunk(const char *path, const ZarrArray *a, void *chunk, size_t chunk_bytes) {
    char *buf = NULL;
    size_t len = 0;
    int err = zarr_slurp(path, &buf, &len);
    if (err == ENOENT) return fc_set_error("%s: chunk file is missing", path);
    if (err) return fc_set_error("%s: %s", path, strerror(err));
    int rc = zarr_check_chunk(path, a, buf, len, chunk_bytes);
    if (rc == FC_OK && strcmp(a->compressor, "none") == 0) memcpy(chunk, buf, len);
    else if (rc == FC_OK && blosc_decompress_ctx(buf, chunk, chunk_bytes, 1) != (int)chunk_bytes)
        rc = fc_set_error("%s: blosc cannot decompress this chunk (corrupt data)", path);
    free(buf);
    return rc;
}

/* copy the in-bounds part of chunk `ci` into a->data (zarr v2 edge chunks are stored full size) */
static void zarr_place_chunk(ZarrArray *a, const int64_t *ci, const char *chunk) {
    int r = a->rank;
    int64_t origin[ZARR_MAX_RANK], ext[ZARR_MAX_RANK], cstride[ZARR_MAX_RANK], astride[ZARR_MAX_RANK];
    for (int d = r - 1; d >= 0; d--) {
        origin[d] = ci[d] * a->chunks[d];
        ext[d] = a->shape[d] - origin[d] < a->chunks[d] ? a->shape[d] - origin[d] : a->chunks[d];
        cstride[d] = d == r - 1 ? 1 : cstride[d + 1] * a->chunks[d + 1];
        astride[d] = d == r - 1 ? 1 : astride[d + 1] * a->shape[d + 1];
    }
    size_t es = (size_t)a->elem_size, run = (size_t)ext[r - 1] * es;
    int64_t idx[ZARR_MAX_RANK] = {0};
    for (;;) { /* over every index of the leading r-1 dims inside the chunk's extent */
        int64_t so = 0, dofs = 0;
        for (int d = 0; d < r - 1; d++) {
            so += idx[d] * cstride[d];
            dofs += (origin[d] + idx[d]) * astride[d];
        }
        dofs += origin[r - 1];
        memcpy((char *)a->data + (size_t)dofs * es, chunk + (size_t)so * es, run);
        int d = r - 2;
        while (d >= 0 && ++idx[d] == ext[d]) idx[d--] = 0;
        if (d < 0) break;
    }
}

/* read array `name`; when want_dtype is set, a different dtype is refused before any chunk is read */
static int zarr_read_typed(const char *dir, const char *name, const char *want_dtype, ZarrArray *out) {
    memset(out, 0, sizeof *out);
    char label[4096];
    zarr_join(label, sizeof label, dir, name);
    ZarrArray a;
    memset(&a, 0, sizeof a);
    char sep = '.';
    if (zarr_parse_meta(label, &a, &sep) != FC_OK) return FC_ERR;
    if (want_dtype && strcmp(a.dtype, want_dtype) != 0)
        return fc_set_error("%s: dtype %s, expected %s", label, a.dtype, want_dtype);
    int64_t nch[ZARR_MAX_RANK];
    size_t chunk_elems = 1;
    for (int d = 0; d < a.rank; d++) {
        nch[d] = (a.shape[d] + a.chunks[d] - 1) / a.chunks[d];
        chunk_elems *= (size_t)a.chunks[d]; /* bounded by ZARR_MAX_CHUNK_BYTES (zarr_parse_meta) */
    }
    size_t chunk_bytes = chunk_elems * (size_t)a.elem_size;
    char *chunk = NULL;
    int rc = FC_OK;
    /* pass 0 probes every chunk file, pass 1 (only then are the array and a chunk allocated) reads */
    for (int pass = 0; pass < 2 && rc == FC_OK && a.count > 0; pass++) {
        if (pass == 1) {
            a.data = fc_malloc((size_t)a.count * (size_t)a.elem_size);
            chunk = fc_malloc(chunk_bytes);
        }
        int64_t ci[ZARR_MAX_RANK] = {0};
        for (;;) { /* every chunk of the grid, in C order */
            char path[4400];
            int k = snprintf(path, sizeof path, "%s/", label);
            for (int d = 0; d < a.rank; d++) { /* key "i.j.k" (or "i/j/k") */
                if (d) path[k++] = sep;
                k += snprintf(path + k, sizeof path - (size_t)k, "%lld", (long long)ci[d]);
            }
            if (pass == 0) rc = zarr_probe_chunk(path, &a, chunk_bytes);
            else if ((rc = zarr_read_chunk(path, &a, chunk, chunk_bytes)) == FC_OK) zarr_place_chunk(&a, ci, chunk);
            if (rc != FC_OK) break;
            int d = a.rank - 1;
            while (d >= 0 && ++ci[d] == nch[d]) ci[d--] = 0;
            if (d < 0) break;
        }
    }
    free(chunk);
    if (rc != FC_OK) {
        zarr_array_free(&a);
        return FC_ERR;
    }
    *out = a;
    return FC_OK;
}

int zarr_array_init(ZarrArray *a, const char *dir, const char *name) { return zarr_read_typed(dir, name, NULL, a); }

/* read `name` and check its dtype and shape (expect[d] < 0: any) */
static int zarr_read_expect(const char *dir, const char *name, const char *dtype, int rank, const int64_t *expect,
                            ZarrArray *a) {
    if (zarr_read_typed(dir, name, dtype, a) != FC_OK) return FC_ERR;
    char label[4096];
    zarr_join(label, sizeof label, dir, name);
    int ok = a->rank == rank;
    for (int d = 0; ok && d < rank; d++) ok = expect[d] < 0 || a->shape[d] == expect[d];
    if (ok) return FC_OK;
    char got[128], want[128];
    int g = 0, w = 0;
    for (int d = 0; d < a->rank; d++) g += snprintf(got + g, sizeof got - (size_t)g, "%s%lld", d ? "," : "", (long long)a->shape[d]);
    for (int d = 0; d < rank; d++) {
        if (expect[d] < 0) w += snprintf(want + w, sizeof want - (size_t)w, "%s%s", d ? "," : "", d ? "*" : "N");
        else w += snprintf(want + w, sizeof want - (size_t)w, "%s%lld", d ? "," : "", (long long)expect[d]);
    }
    fc_set_error("%s: shape (%s%s), expected (%s%s)", label, got, a->rank == 1 ? "," : "", want, rank == 1 ? "," : "");
    zarr_array_free(a);
    return FC_ERR;
}

int zarr_read_episodes(const char *dir, Episodes *ep) {
    memset(ep, 0, sizeof *ep);
    struct stat st;
    if (stat(dir, &st) != 0) return fc_set_error("%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return fc_set_error("%s: not a directory (expected a zarr v2 directory store)", dir);
    char p[4200];
    zarr_join(p, sizeof p, dir, ".zgroup");
    if (stat(p, &st) != 0) return fc_set_error("%s: not a zarr v2 store (no .zgroup)", dir);
    ZarrArray state = {0}, action = {0}, kp = {0}, ends = {0};
    int64_t e_state[2] = {-1, 5};
    if (zarr_read_expect(dir, "data/state", "<f4", 2, e_state, &state)) return FC_ERR;
    int64_t n = state.shape[0];
    int64_t e_action[2] = {n, 2}, e_kp[3] = {n, 9, 2}, e_ends[1] = {-1};
    if (zarr_read_expect(dir, "data/action", "<f4", 2, e_action, &action)) goto fail;
    if (zarr_has_array(dir, "data/keypoint") && zarr_read_expect(dir, "data/keypoint", "<f4", 3, e_kp, &kp)) goto fail;
    if (zarr_read_expect(dir, "meta/episode_ends", "<i8", 1, e_ends, &ends)) goto fail;
    ep->n_steps = n;
    ep->n_episodes = ends.shape[0];
    ep->state = state.data;
    ep->action = action.data;
    ep->keypoint = kp.data; /* NULL when absent */
    ep->episode_ends = ends.data;
    ep->episode_seed = fc_malloc((size_t)(ep->n_episodes ? ep->n_episodes : 1) * sizeof(int64_t));
    for (int64_t i = 0; i < ep->n_episodes; i++) ep->episode_seed[i] = i; /* PUSHT.md: episode i = seed i */
    snprintf(ep->source, sizeof ep->source, "%s", dir);
    if (episodes_validate(ep, dir) != FC_OK) {
        episodes_free(ep); /* owns the four arrays now */
        return FC_ERR;
    }
    return FC_OK;
fail:
    zarr_array_free(&state);
    zarr_array_free(&action);
    zarr_array_free(&kp);
    zarr_array_free(&ends);
    return FC_ERR;
}

/* ---- the importer --------------------------------------------------------------------------- */

/* the arrays the importer copies */
static const char *const ZARR_IMPORTED[] = {"data/state", "data/action", "data/keypoint", "meta/episode_ends"};
#define ZARR_N_IMPORTED (sizeof ZARR_IMPORTED / sizeof ZARR_IMPORTED[0])

static int zarr_is_imported(const char *name) {
    for (size_t i = 0; i < ZARR_N_IMPORTED; i++)
        if (!strcmp(name, ZARR_IMPORTED[i])) return 1;
    return 0;
}

/* arrays of the store's data/ and meta/ groups that the importer does not copy */
static void zarr_list_ignored(const char *dir, cJSON *list) {
    static const char *const groups[] = {"data", "meta"};
    for (int g = 0; g < 2; g++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, groups[g]);
        DIR *d = opendir(p);
        if (!d) continue;
        for (struct dirent *e; (e = readdir(d));) {
            char name[512];
            if (e->d_name[0] == '.') continue;
            snprintf(name, sizeof name, "%s/%s", groups[g], e->d_name);
            if (!zarr_is_imported(name) && zarr_has_array(dir, name)) cJSON_AddItemToArray(list, cJSON_CreateString(name));
        }
        closedir(d);
    }
}

int zarr_import(const char *dir, const char *out, ZarrImport *r) {
    memset(r, 0, sizeof *r);
    Episodes ep;
    if (zarr_read_episodes(dir, &ep) != FC_OK || episodes_write(&ep, out) != FC_OK) {
        episodes_free(&ep);
        return FC_ERR;
    }
    r->episodes = ep.n_episodes;
    r->steps = ep.n_steps;
    episodes_length_range(&ep, &r->min_length, &r->max_length);
    r->mean_length = (double)ep.n_steps / (double)ep.n_episodes;
    r->keypoint = ep.keypoint != NULL;
    r->arrays = cJSON_CreateArray();
    r->ignored = cJSON_CreateArray();
    for (size_t i = 0; i < ZARR_N_IMPORTED; i++)
        if (strcmp(ZARR_IMPORTED[i], "data/keypoint") != 0 || r->keypoint)
            cJSON_AddItemToArray(r->arrays, cJSON_CreateString(ZARR_IMPORTED[i]));
    zarr_list_ignored(dir, r->ignored);
    episodes_free(&ep);
    return FC_OK;
}

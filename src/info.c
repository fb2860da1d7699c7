/* info.c: `flowchunk info`'s description of any flowchunk HDF5 file (info.h), by its root
 * `format` attribute through a table of describers (format -> function). A describer has the
 * shape `int X_describe(const char *path, int json)`: it prints its summary on stdout (json: one
 * JSON object) and returns FC_OK, -1 when the file is of another format, or FC_ERR +
 * fc_set_error. Episodes files are described here (counts, lengths, seeds, value ranges, demo
 * outcome); windows and checkpoints by their modules (window_describe, ckpt_describe). Any other
 * HDF5 file gets the generic listing: every dataset with shape and dtype, every root attribute.
 * To describe a new format, add one row to INFO_DESCRIBERS. */
#include "info.h"
#include "flowchunk/check.h"
#include "flowchunk/ckpt.h"
#include "flowchunk/episodes.h"
#include "flowchunk/h5util.h"
#include "flowchunk/window.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FC_OK when described, -1 when `path` is of another format, FC_ERR + fc_set_error */
typedef int (*InfoDescribeFn)(const char *path, int json);

static int info_episodes(const char *path, int json);

static const struct {
    const char *format;
    InfoDescribeFn describe;
} INFO_DESCRIBERS[] = {
    {EPISODES_FORMAT, info_episodes},
    {WINDOWS_FORMAT, window_describe},
    {CKPT_FORMAT, ckpt_describe},
};

/* the open file and where the description goes (generic listing and episodes) */
typedef struct {
    const char *path;  /* as given on the command line */
    hid_t file;        /* open read-only */
    cJSON *json;       /* the output object */
    FILE *txt;         /* human-readable lines; NULL under --json */
} InfoCtx;

/* ---- the generic part: datasets and root attributes ---------------------------------------- */

/* numpy-style name of a dataset's stored type ("float32", "int64", "uint8", "string", ...) */
static void info_dtype(hid_t t, char *out, size_t n) {
    size_t sz = H5Tget_size(t);
    switch (H5Tget_class(t)) {
    case H5T_FLOAT: snprintf(out, n, "float%zu", 8 * sz); break;
    case H5T_INTEGER: snprintf(out, n, "%sint%zu", H5Tget_sign(t) == H5T_SGN_NONE ? "u" : "", 8 * sz); break;
    case H5T_STRING: snprintf(out, n, "string"); break;
    case H5T_COMPOUND: snprintf(out, n, "compound"); break;
    case H5T_ENUM: snprintf(out, n, "enum"); break;
    default: snprintf(out, n, "other"); break;
    }
}

/* "(25650,5)" */
static void info_shape_str(const cJSON *shape, char *out, size_t n) {
    size_t k = (size_t)snprintf(out, n, "(");
    int r = cJSON_GetArraySize(shape);
    for (int i = 0; i < r && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%.0f", i ? "," : "", cJSON_GetArrayItem(shape, i)->valuedouble);
    if (k < n) snprintf(out + k, n - k, "%s)", r == 1 ? "," : "");
}

static herr_t info_visit_link(hid_t g, const char *name, const H5L_info_t *li, void *data) {
    (void)li;
    cJSON *datasets = data;
    hsize_t dims[H5U_MAX_RANK];
    int rank = h5u_shape(g, name, dims);
    if (rank < 0) return 0; /* a group (or a dataset of rank > H5U_MAX_RANK) */
    cJSON *d = cJSON_CreateObject(), *shape = cJSON_CreateArray();
    for (int i = 0; i < rank; i++) cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)dims[i]));
    cJSON_AddItemToObject(d, "shape", shape);
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT), t = H5Dget_type(ds);
    char dt[32];
    info_dtype(t, dt, sizeof dt);
    H5Tclose(t);
    H5Dclose(ds);
    cJSON_AddStringToObject(d, "dtype", dt);
    cJSON_AddItemToObject(datasets, name, d);
    return 0;
}

static herr_t info_visit_attr(hid_t loc, const char *name, const H5A_info_t *ai, void *data) {
    (void)ai;
    cJSON *attrs = data;
    char s[1024];
    int64_t i;
    double x;
    if (h5u_get_attr_str(loc, name, s, sizeof s) == FC_OK) cJSON_AddStringToObject(attrs, name, s);
    else if (h5u_get_attr_int(loc, name, &i) == FC_OK) cJSON_AddNumberToObject(attrs, name, (double)i);
    else if (h5u_get_attr_double(loc, name, &x) == FC_OK)
        cJSON_AddItemToObject(attrs, name, isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateString(isnan(x) ? "nan" : "inf"));
    else cJSON_AddStringToObject(attrs, name, "(not a scalar string or number)");
    return 0;
}

/* fills json "datasets" and "attributes" */
static void info_generic(InfoCtx *c) {
    cJSON *datasets = cJSON_AddObjectToObject(c->json, "datasets");
    cJSON *attrs = cJSON_AddObjectToObject(c->json, "attributes");
    H5Lvisit(c->file, H5_INDEX_NAME, H5_ITER_INC, info_visit_link, datasets);
    hsize_t idx = 0;
    H5Aiterate2(c->file, H5_INDEX_NAME, H5_ITER_INC, &idx, info_visit_attr, attrs);
}

static void info_print_generic(const InfoCtx *c) {
    const cJSON *datasets = cJSON_GetObjectItemCaseSensitive(c->json, "datasets");
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(c->json, "attributes");
    fprintf(c->txt, "  attributes:\n");
    for (const cJSON *a = attrs->child; a; a = a->next) {
        if (cJSON_IsString(a)) fprintf(c->txt, "    %-22s %s\n", a->string, a->valuestring);
        else fprintf(c->txt, "    %-22s %.17g\n", a->string, a->valuedouble);
    }
    fprintf(c->txt, "  datasets:\n");
    for (const cJSON *d = datasets->child; d; d = d->next) {
        char sh[128];
        info_shape_str(cJSON_GetObjectItemCaseSensitive(d, "shape"), sh, sizeof sh);
        fprintf(c->txt, "    /%-21s %-16s %s\n", d->string, sh, cJSON_GetObjectItemCaseSensitive(d, "dtype")->valuestring);
    }
}

/* ---- episodes ------------------------------------------------------------------------------ */

/* per-column min/max of a (rows, cols) array into json[name] = {"min":[..],"max":[..]} and text */
static void info_ranges(InfoCtx *c, cJSON *ranges, const char *name, const float *a, int64_t rows, int cols) {
    cJSON *o = cJSON_AddObjectToObject(ranges, name);
    cJSON *mn = cJSON_AddArrayToObject(o, "min"), *mx = cJSON_AddArrayToObject(o, "max");
    if (c->txt) fprintf(c->txt, "  %-6s range   ", name);
    for (int j = 0; j < cols; j++) {
        float lo = INFINITY, hi = -INFINITY;
        for (int64_t r = 0; r < rows; r++) {
            float v = a[r * cols + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        cJSON_AddItemToArray(mn, cJSON_CreateNumber(lo));
        cJSON_AddItemToArray(mx, cJSON_CreateNumber(hi));
        if (c->txt) fprintf(c->txt, "%s[%.4g, %.4g]", j ? " " : "", lo, hi);
    }
    if (c->txt) fputc('\n', c->txt);
}

/* the episodes part of the description, from a read (and validated) episodes file */
static void info_episodes_body(InfoCtx *c, const Episodes *ep) {
    int64_t e = ep->n_episodes, lmin, lmax;
    episodes_length_range(ep, &lmin, &lmax);
    double lmean = (double)ep->n_steps / (double)e;
    cJSON_AddNumberToObject(c->json, "episodes", (double)e);
    cJSON_AddNumberToObject(c->json, "steps", (double)ep->n_steps);
    cJSON *len = cJSON_AddObjectToObject(c->json, "length");
    cJSON_AddNumberToObject(len, "min", (double)lmin);
    cJSON_AddNumberToObject(len, "mean", lmean);
    cJSON_AddNumberToObject(len, "max", (double)lmax);
    int64_t known = 0, smin = INT64_MAX, smax = -1, is_index = 1;
    for (int64_t i = 0; i < e; i++) {
        int64_t s = ep->episode_seed[i];
        if (s != i) is_index = 0;
        if (s < 0) continue;
        known++;
        smin = s < smin ? s : smin;
        smax = s > smax ? s : smax;
    }
    cJSON *seeds = cJSON_AddObjectToObject(c->json, "seeds");
    cJSON_AddNumberToObject(seeds, "known", (double)known);
    if (known) {
        cJSON_AddNumberToObject(seeds, "min", (double)smin);
        cJSON_AddNumberToObject(seeds, "max", (double)smax);
    }
    cJSON_AddBoolToObject(seeds, "episode_index", is_index);
    if (c->txt) {
        fprintf(c->txt, "  %-14s %lld\n  %-14s %lld\n", "episodes", (long long)e, "steps", (long long)ep->n_steps);
        fprintf(c->txt, "  %-14s min %lld, mean %.1f, max %lld\n", "length", (long long)lmin, lmean, (long long)lmax);
        if (!known) fprintf(c->txt, "  %-14s unknown (-1)\n", "seeds");
        else fprintf(c->txt, "  %-14s %lld of %lld known, %lld..%lld%s\n", "seeds", (long long)known, (long long)e,
                     (long long)smin, (long long)smax, is_index ? " (episode i = reset seed i)" : "");
        fprintf(c->txt, "  %-14s", "arrays");
        const cJSON *datasets = cJSON_GetObjectItemCaseSensitive(c->json, "datasets");
        for (const cJSON *d = datasets->child; d; d = d->next) {
            char sh[128];
            info_shape_str(cJSON_GetObjectItemCaseSensitive(d, "shape"), sh, sizeof sh);
            fprintf(c->txt, "%s%s %s", d == datasets->child ? " " : ", ", d->string, sh);
        }
        fputc('\n', c->txt);
    }
    cJSON *ranges = cJSON_AddObjectToObject(c->json, "ranges");
    info_ranges(c, ranges, "state", ep->state, ep->n_steps, 5);
    info_ranges(c, ranges, "action", ep->action, ep->n_steps, 2);
    if (ep->success || ep->max_coverage || ep->final_coverage) {
        cJSON *out = cJSON_AddObjectToObject(c->json, "outcome");
        if (c->txt) fprintf(c->txt, "  %-14s ", "outcome");
        if (ep->success) {
            int64_t ok = 0;
            for (int64_t i = 0; i < e; i++) ok += ep->success[i];
            cJSON_AddNumberToObject(out, "successes", (double)ok);
            cJSON_AddNumberToObject(out, "success_rate", (double)ok / (double)e);
            if (c->txt) fprintf(c->txt, "success %lld/%lld (%.1f%%)", (long long)ok, (long long)e, 100.0 * (double)ok / (double)e);
        }
        const float *cov[2] = {ep->max_coverage, ep->final_coverage};
        const char *key[2] = {"mean_max_coverage", "mean_final_coverage"};
        const char *label[2] = {"mean max coverage", "mean final coverage"};
        for (int k = 0; k < 2; k++) {
            if (!cov[k]) continue;
            double s = 0;
            for (int64_t i = 0; i < e; i++) s += cov[k][i];
            cJSON_AddNumberToObject(out, key[k], s / (double)e);
            if (c->txt) fprintf(c->txt, "%s%s %.4f", (ep->success || k) ? ", " : "", label[k], s / (double)e);
        }
        if (c->txt) fputc('\n', c->txt);
    }
}

/* ---- open / finish, the describers of this file, the entry point ---------------------------- */

/* open path and start the description: path, format, version, the generic listing, the header */
static int info_open(InfoCtx *c, const char *path, int json) {
    memset(c, 0, sizeof *c);
    c->path = path;
    c->txt = json ? NULL : stdout;
    c->file = h5u_open_read(path);
    if (c->file < 0) return FC_ERR;
    c->json = cJSON_CreateObject();
    cJSON_AddStringToObject(c->json, "path", path);
    char format[128] = "";
    int64_t version = 0;
    int has_format = h5u_get_attr_str(c->file, "format", format, sizeof format) == FC_OK;
    int has_version = h5u_get_attr_int(c->file, "version", &version) == FC_OK;
    cJSON_AddItemToObject(c->json, "format", has_format ? cJSON_CreateString(format) : cJSON_CreateNull());
    if (has_version) cJSON_AddNumberToObject(c->json, "version", (double)version);
    info_generic(c);
    if (c->txt) {
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c->json, "attributes"), "source");
        int has_src = cJSON_IsString(src) && src->valuestring[0];
        if (!has_format) fprintf(c->txt, "%s: HDF5 file without a 'format' attribute (not written by flowchunk?)\n", path);
        else fprintf(c->txt, "%s: %s v%lld%s%s%s\n", path, format, (long long)version, has_src ? " (source: " : "",
                     has_src ? src->valuestring : "", has_src ? ")" : "");
    }
    return FC_OK;
}

/* close the file and, under --json, print the object */
static void info_finish(InfoCtx *c) {
    H5Fclose(c->file);
    if (!c->txt) {
        char *s = cJSON_PrintUnformatted(c->json);
        printf("%s\n", s);
        cJSON_free(s);
    }
    cJSON_Delete(c->json);
}

static int info_episodes(const char *path, int json) {
    Episodes ep;
    if (episodes_read(&ep, path) != FC_OK) return FC_ERR; /* validated before anything is printed */
    InfoCtx c;
    int rc = info_open(&c, path, json);
    if (rc == FC_OK) {
        info_episodes_body(&c, &ep);
        info_finish(&c);
    }
    episodes_free(&ep);
    return rc;
}

/* any other HDF5 file: the generic listing */
static int info_generic_file(const char *path, int json) {
    InfoCtx c;
    if (info_open(&c, path, json) != FC_OK) return FC_ERR;
    if (c.txt) info_print_generic(&c);
    info_finish(&c);
    return FC_OK;
}

int info_describe(const char *path, int json) {
    char format[128];
    if (h5u_file_format(path, format, sizeof format) != FC_OK) return FC_ERR;
    int rc = -1;
    for (size_t i = 0; i < sizeof INFO_DESCRIBERS / sizeof INFO_DESCRIBERS[0] && rc == -1; i++)
        if (!strcmp(format, INFO_DESCRIBERS[i].format)) rc = INFO_DESCRIBERS[i].describe(path, json);
    if (rc == -1) rc = info_generic_file(path, json);
    return rc;
}

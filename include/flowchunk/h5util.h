/* h5util.h: thin HDF5 helpers shared by the episodes, windows and checkpoint modules:
 * atomic file creation (temp file, fsync, rename), datasets with parent groups created on the
 * way, shape-checked reads, and scalar/string attributes. HDF5's own error stack printing is
 * switched off (h5u_quiet): callers turn failures into one clear line. Implemented in src/h5util.c. */
#ifndef FLOWCHUNK_H5UTIL_H
#define FLOWCHUNK_H5UTIL_H

#include <hdf5.h>
#include <stdint.h>

#define H5U_MAX_RANK 4

/* silence HDF5's automatic error-stack printing (idempotent) */
void h5u_quiet(void);

/* create `path`.tmp.<pid> for writing (serial driver); returns the file id or -1 (fc_set_error);
 * the temp name is written to tmp (size tmp_len) */
hid_t h5u_create_atomic(const char *path, char *tmp, size_t tmp_len);
/* flush + close the file, fsync it, rename tmp -> path, fsync the directory; FC_OK or FC_ERR */
int h5u_commit_atomic(hid_t file, const char *tmp, const char *path);
/* close and delete a temp file after a failure (nothing partial is left behind) */
void h5u_abort_atomic(hid_t file, const char *tmp);

/* open an existing file read-only (serial); -1 + fc_set_error("PATH: ...") when missing/not HDF5 */
hid_t h5u_open_read(const char *path);
/* the root `format` attribute of the HDF5 file `path` into out ("" when it has none); FC_OK, or
 * FC_ERR + fc_set_error when the file does not open (h5u_open_read) */
int h5u_file_format(const char *path, char *out, size_t out_len);

/* write a whole dataset `name` (may contain '/', parent groups are created); chunked+deflate
 * when chunk_rows > 0 (rows along dim 0), contiguous otherwise. FC_OK or FC_ERR */
int h5u_write(hid_t loc, const char *name, hid_t memtype, int rank, const hsize_t *dims,
              const void *data, hsize_t chunk_rows);
/* shape of dataset `name`: returns its rank (>=0) and fills dims, or -1 if it does not exist */
int h5u_shape(hid_t loc, const char *name, hsize_t dims[H5U_MAX_RANK]);
/* 1 if dataset `name` is stored as a floating (H5T_FLOAT) / integer (H5T_INTEGER) type */
int h5u_is_float(hid_t loc, const char *name);
int h5u_is_integer(hid_t loc, const char *name);
/* read all of dataset `name` converted to memtype into buf (caller sized it from h5u_shape) */
int h5u_read(hid_t loc, const char *name, hid_t memtype, void *buf);
/* FC_OK when the HDF5 file at path is safe to hand to the HDF5 library: its global heaps (the
 * variable-length strings) decode without HDF5 1.10's endless loop; h5u_open_read calls it */
int h5u_check_file(const char *path);
/* FC_OK when dataset `name` can hold `bytes` of data given its file's size and filters (deflate
 * expands at most 1032:1), else fc_set_error("FILE: /name claims N bytes ... implausible") */
int h5u_check_plausible(hid_t loc, const char *file_label, const char *name, double bytes);
/* read dataset `name`, checking that it exists with exactly `rank` dims, and dims[i] where
 * expect[i] >= 0; on mismatch fc_set_error("FILE: /name has shape (..), expected (..)") */
int h5u_read_checked(hid_t loc, const char *file_label, const char *name, hid_t memtype, int rank,
                     const int64_t *expect, hsize_t dims_out[H5U_MAX_RANK], void **buf_out);

/* attributes on an object (file or group id) */
int h5u_set_attr_str(hid_t loc, const char *name, const char *value);
int h5u_set_attr_int(hid_t loc, const char *name, int64_t value);
int h5u_set_attr_double(hid_t loc, const char *name, double value);
/* getters return FC_OK, or FC_ERR when the attribute is missing or of the wrong kind */
int h5u_get_attr_str(hid_t loc, const char *name, char *out, size_t out_len);
int h5u_get_attr_int(hid_t loc, const char *name, int64_t *out);
int h5u_get_attr_double(hid_t loc, const char *name, double *out);

#endif

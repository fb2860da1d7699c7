/* h5util.c: thin HDF5 helpers (see h5util.h): atomic file creation (temp file, flush, fsync,
 * rename, fsync of the directory), whole-dataset writes with intermediate groups and optional
 * chunking + deflate, shape/type queries, shape-checked reads with one-sentence errors, and
 * scalar/string attributes. HDF5's error-stack printing is off (h5u_quiet): every failure
 * becomes one fc_set_error line that the command reports.
 * Atomic-rename recipe: https://lwn.net/Articles/457667/ (ext4 and data loss, "fsync the file,
 * rename, fsync the directory"). */
#include "flowchunk/h5util.h"
#include "flowchunk/check.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void h5u_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* ---- atomic create / commit / abort ------------------------------------------------------- */

/* the directory part of path, into dir (size n) */
static void h5u_dirname(const char *path, char *dir, size_t n) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    snprintf(dir, n, "%s", dirname(buf));
}

/* fsync a file or directory by name; 0 on success, errno otherwise */
static int h5u_fsync_path(const char *path, int directory) {
    int fd = open(path, directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) return errno;
    int rc = fsync(fd) ? errno : 0;
    /* some file systems refuse fsync on directories (EINVAL): the rename itself is still done */
    if (directory && rc == EINVAL) rc = 0;
    close(fd);
    return rc;
}

hid_t h5u_create_atomic(const char *path, char *tmp, size_t tmp_len) {
    h5u_quiet();
    char dir[4096];
    h5u_dirname(path, dir, sizeof dir);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fc_set_error("%s: directory '%s' does not exist", path, dir), -1;
    if (access(dir, W_OK) != 0) return fc_set_error("%s: directory '%s' is not writable", path, dir), -1;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fc_set_error("%s: is a directory, expected an output file name", path), -1;
    int n = snprintf(tmp, tmp_len, "%s.tmp.%ld", path, (long)getpid());
    FC_ASSERT(n > 0 && (size_t)n < tmp_len, "h5u_create_atomic needs a tmp buffer longer than the path + 20");
    /* STRONG close degree: closing the file closes every object still open in it, so a leaked
     * group id can never keep data out of the file we fsync and rename */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) {
        unlink(tmp);
        return fc_set_error("%s: cannot create HDF5 file '%s'", path, tmp), -1;
    }
    return f;
}

/* fault injection for the tests (tests/train_faults_test.sh): FC_TEST_KILL_IN_COMMIT=N makes the
 * N-th commit of this process die by SIGKILL with its data written but not flushed or renamed */
static void h5u_test_kill_in_commit(void) {
    static int commits = 0;
    const char *s = getenv("FC_TEST_KILL_IN_COMMIT");
    if (s && ++commits == atoi(s)) raise(SIGKILL);
}

int h5u_commit_atomic(hid_t file, const char *tmp, const char *path) {
    h5u_test_kill_in_commit();
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
        h5u_abort_atomic(file, tmp);
        return fc_set_error("%s: cannot flush HDF5 file (disk full?)", path);
    }
    if (H5Fclose(file) < 0) {
        unlink(tmp);
        return fc_set_error("%s: cannot close HDF5 file (disk full?)", path);
    }
    int e = h5u_fsync_path(tmp, 0);
    if (e) {
        unlink(tmp);
        return fc_set_error("%s: fsync failed: %s", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        unlink(tmp);
        return fc_set_error("%s: cannot rename '%s' into place: %s", path, tmp, strerror(e));
    }
    char dir[4096];
    h5u_dirname(path, dir, sizeof dir);
    e = h5u_fsync_path(dir, 1);
    if (e) return fc_set_error("%s: fsync of directory '%s' failed: %s", path, dir, strerror(e));
    return FC_OK;
}

void h5u_abort_atomic(hid_t file, const char *tmp) {
    if (file >= 0) H5Fclose(file);
    if (tmp && tmp[0]) unlink(tmp);
}

/* HDF5 1.10's global-heap decoder (H5HG__cache_heap_deserialize) never advances past a free-space
 * object of size 0, so one corrupt byte in a variable-length string's heap hangs every reader of
 * the file forever. Before HDF5 sees a file, walk every "GCOL" collection the way HDF5 does and
 * refuse one whose walk would not advance. Layout: "GCOL", version, 3 reserved, size (8); objects
 * index (2), refcount (2), reserved (4), size (8), data padded to 8 (HDF5 spec, III.E). */
static int h5u_check_global_heaps(const char *path, int fd, off_t file_bytes) {
    enum { BLOCK = 1 << 20, OBJHDR = 16 };
    static const unsigned char sig[4] = {'G', 'C', 'O', 'L'};
    unsigned char *buf = fc_malloc(BLOCK + 3);
    int rc = FC_OK;
    for (off_t base = 0; base < file_bytes && rc == FC_OK; base += BLOCK) {
        ssize_t got = pread(fd, buf, BLOCK + 3, base); /* 3 bytes of overlap: a signature across blocks */
        if (got < 4) break;
        for (const unsigned char *h = buf; rc == FC_OK && (h = memmem(h, (size_t)(buf + got - h), sig, 4)) != NULL; h++) {
            off_t at = base + (h - buf);
            unsigned char hd[OBJHDR];
            if (at >= base + BLOCK || pread(fd, hd, OBJHDR, at) != OBJHDR || hd[4] != 1) continue;
            uint64_t size = 0;
            for (int i = 7; i >= 0; i--) size = size << 8 | hd[8 + i];
            uint64_t end = (uint64_t)at + size, p = (uint64_t)at + OBJHDR;
            if (end > (uint64_t)file_bytes || size < OBJHDR) continue; /* HDF5 refuses these itself */
            while (p + OBJHDR <= end) {
                unsigned char oh[OBJHDR];
                if (pread(fd, oh, OBJHDR, (off_t)p) != OBJHDR) break;
                unsigned idx = (unsigned)oh[0] | (unsigned)oh[1] << 8;
                uint64_t osize = 0;
                for (int i = 7; i >= 0; i--) osize = osize << 8 | oh[8 + i];
                uint64_t need = idx > 0 ? OBJHDR + ((osize + 7) & ~(uint64_t)7) : osize;
                if (need == 0 || (idx > 0 && osize > end)) {
                    rc = fc_set_error("%s: corrupt HDF5 global heap at byte %lld (object %u of size %llu)", path,
                                      (long long)at, idx, (unsigned long long)osize);
                    break;
                }
                if (need > end - p) break;
                p += need;
            }
        }
    }
    free(buf);
    return rc;
}

int h5u_check_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fc_set_error("%s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st) == 0 ? h5u_check_global_heaps(path, fd, st.st_size) : fc_set_error("%s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

hid_t h5u_open_read(const char *path) {
    h5u_quiet();
    struct stat st;
    if (stat(path, &st) != 0) return fc_set_error("%s: %s", path, strerror(errno)), -1;
    if (S_ISDIR(st.st_mode)) return fc_set_error("%s: is a directory, expected an HDF5 file", path), -1;
    if (access(path, R_OK) != 0) return fc_set_error("%s: %s", path, strerror(errno)), -1;
    if (H5Fis_hdf5(path) <= 0) return fc_set_error("%s: not an HDF5 file", path), -1;
    if (h5u_check_file(path) != FC_OK) return -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return fc_set_error("%s: cannot open HDF5 file (corrupt or locked?)", path), -1;
    return f;
}

int h5u_file_format(const char *path, char *out, size_t out_len) {
    out[0] = 0;
    hid_t f = h5u_open_read(path);
    if (f < 0) return FC_ERR;
    if (h5u_get_attr_str(f, "format", out, out_len) != FC_OK) out[0] = 0;
    H5Fclose(f);
    return FC_OK;
}

/* ---- datasets ------------------------------------------------------------------------------ */

/* "/name" for messages, whether or not name starts with '/' */
static const char *h5u_slash(const char *name) { return name[0] == '/' ? "" : "/"; }

int h5u_write(hid_t loc, const char *name, hid_t memtype, int rank, const hsize_t *dims,
              const void *data, hsize_t chunk_rows) {
    h5u_quiet();
    FC_ASSERT(rank >= 0 && rank <= H5U_MAX_RANK, "h5u_write supports ranks 0..H5U_MAX_RANK");
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0); /* no timestamps: the same data gives a byte-identical file */
    if (chunk_rows > 0 && rank > 0 && dims[0] > 0) {
        hsize_t chunk[H5U_MAX_RANK];
        for (int i = 0; i < rank; i++) chunk[i] = dims[i];
        chunk[0] = chunk_rows < dims[0] ? chunk_rows : dims[0];
        H5Pset_chunk(dcpl, rank, chunk);
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, 4);
    }
    int rc = FC_OK;
    if (H5Lexists(loc, name, H5P_DEFAULT) > 0) H5Ldelete(loc, name, H5P_DEFAULT); /* overwrite */
    hid_t d = H5Dcreate2(loc, name, memtype, space, lcpl, dcpl, H5P_DEFAULT);
    if (d < 0) rc = fc_set_error("cannot create dataset %s%s", h5u_slash(name), name);
    else if (data && H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        rc = fc_set_error("cannot write dataset %s%s (disk full?)", h5u_slash(name), name);
    if (d >= 0) H5Dclose(d);
    H5Pclose(dcpl);
    H5Pclose(lcpl);
    H5Sclose(space);
    return rc;
}

/* open dataset `name` quietly, or -1 when any path component is missing or not a dataset */
static hid_t h5u_open_dataset(hid_t loc, const char *name) {
    h5u_quiet();
    /* walk the path so that a missing parent group is "missing", not an error */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", name);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int ok = H5Lexists(loc, buf, H5P_DEFAULT) > 0;
        *p = '/';
        if (!ok) return -1;
    }
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return -1;
    hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    if (o < 0) return -1;
    if (H5Iget_type(o) != H5I_DATASET) { H5Oclose(o); return -1; }
    return o; /* a dataset id opened through H5Oopen is closed by H5Dclose */
}

int h5u_shape(hid_t loc, const char *name, hsize_t dims[H5U_MAX_RANK]) {
    hid_t d = h5u_open_dataset(loc, name);
    if (d < 0) return -1;
    hid_t space = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank > H5U_MAX_RANK) rank = -1;
    else if (rank >= 0) H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    H5Dclose(d);
    return rank;
}

static H5T_class_t h5u_class(hid_t loc, const char *name) {
    hid_t d = h5u_open_dataset(loc, name);
    if (d < 0) return H5T_NO_CLASS;
    hid_t t = H5Dget_type(d);
    H5T_class_t c = H5Tget_class(t);
    H5Tclose(t);
    H5Dclose(d);
    return c;
}

int h5u_is_float(hid_t loc, const char *name) { return h5u_class(loc, name) == H5T_FLOAT; }
int h5u_is_integer(hid_t loc, const char *name) { return h5u_class(loc, name) == H5T_INTEGER; }

int h5u_read(hid_t loc, const char *name, hid_t memtype, void *buf) {
    hid_t d = h5u_open_dataset(loc, name);
    if (d < 0) return fc_set_error("dataset %s%s is missing", h5u_slash(name), name);
    herr_t e = H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    H5Dclose(d);
    if (e < 0) return fc_set_error("cannot read dataset %s%s (corrupt, or not convertible to the expected type)",
                                   h5u_slash(name), name);
    return FC_OK;
}

/* "(25650,4)" from dims; free (negative) expected dims print as N for dim 0 and * elsewhere */
static void h5u_fmt_dims(char *out, size_t n, int rank, const hsize_t *dims, const int64_t *expect) {
    size_t k = 0;
    k += (size_t)snprintf(out + k, n - k, "(");
    for (int i = 0; i < rank && k < n; i++) {
        const char *sep = i ? "," : "";
        if (expect && expect[i] < 0) k += (size_t)snprintf(out + k, n - k, "%s%s", sep, i ? "*" : "N");
        else k += (size_t)snprintf(out + k, n - k, "%s%lld", sep,
                                   (long long)(expect ? (hsize_t)expect[i] : dims[i]));
    }
    if (k < n) snprintf(out + k, n - k, "%s)", rank == 1 ? "," : "");
}

/* a corrupt dataspace must never turn into a terabyte allocation: unfiltered data is stored in full, and
 * deflate (+ shuffle), the only filters flowchunk writes, expands at most 1032:1
 * (https://www.zlib.net/zlib_tech.html); a memory type is at most 8x its stored type (u1 read as i8). */
int h5u_check_plausible(hid_t loc, const char *fl, const char *name, double bytes) {
    hid_t fid = H5Iget_file_id(loc);
    hsize_t file_bytes = 0;
    if (fid < 0 || H5Fget_filesize(fid, &file_bytes) < 0) file_bytes = 0;
    if (fid >= 0) H5Fclose(fid);
    int nfilters = 0;
    hid_t d = h5u_open_dataset(loc, name);
    if (d >= 0) {
        hid_t dcpl = H5Dget_create_plist(d);
        nfilters = dcpl >= 0 ? H5Pget_nfilters(dcpl) : 0;
        if (dcpl >= 0) H5Pclose(dcpl);
        H5Dclose(d);
    }
    double limit = (nfilters > 0 ? 1032.0 : 1.0) * 8.0 * (double)file_bytes + 65536.0;
    if (bytes <= limit) return FC_OK;
    return fc_set_error("%s: %s%s claims %.4g bytes of data, implausible for a file of %llu bytes (corrupt "
                        "dataspace?)", fl, h5u_slash(name), name, bytes, (unsigned long long)file_bytes);
}

int h5u_read_checked(hid_t loc, const char *file_label, const char *name, hid_t memtype, int rank,
                     const int64_t *expect, hsize_t dims_out[H5U_MAX_RANK], void **buf_out) {
    const char *fl = file_label ? file_label : "file";
    const char *sl = h5u_slash(name);
    *buf_out = NULL;
    hsize_t dims[H5U_MAX_RANK] = {0};
    int r = h5u_shape(loc, name, dims);
    if (r < 0) return fc_set_error("%s: dataset %s%s is missing", fl, sl, name);
    int ok = r == rank;
    for (int i = 0; ok && i < rank; i++)
        if (expect[i] >= 0 && (int64_t)dims[i] != expect[i]) ok = 0;
    if (!ok) {
        char got[128], want[128];
        h5u_fmt_dims(got, sizeof got, r, dims, NULL);
        h5u_fmt_dims(want, sizeof want, rank, NULL, expect);
        return fc_set_error("%s: %s%s has shape %s, expected %s", fl, sl, name, got, want);
    }
    H5T_class_t c = h5u_class(loc, name);
    H5T_class_t want_c = H5Tget_class(memtype);
    if ((want_c == H5T_FLOAT || want_c == H5T_INTEGER) && c != H5T_FLOAT && c != H5T_INTEGER)
        return fc_set_error("%s: %s%s is not numeric", fl, sl, name);
    if (want_c == H5T_INTEGER && c == H5T_FLOAT)
        return fc_set_error("%s: %s%s is floating point, expected integers", fl, sl, name);
    double bytes = (double)H5Tget_size(memtype);
    for (int i = 0; i < rank; i++) bytes *= (double)dims[i];
    if (h5u_check_plausible(loc, fl, name, bytes) != FC_OK) return FC_ERR;
    size_t count = 1;
    for (int i = 0; i < rank; i++) count *= (size_t)dims[i];
    void *buf = fc_malloc(count * H5Tget_size(memtype));
    if (h5u_read(loc, name, memtype, buf) != FC_OK) {
        free(buf);
        return fc_set_error("%s: cannot read %s%s (corrupt file?)", fl, sl, name);
    }
    for (int i = 0; i < rank; i++) dims_out[i] = dims[i];
    *buf_out = buf;
    return FC_OK;
}

/* ---- attributes ---------------------------------------------------------------------------- */

static int h5u_set_attr(hid_t loc, const char *name, hid_t type, const void *value) {
    h5u_quiet();
    if (H5Aexists(loc, name) > 0) H5Adelete(loc, name);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int rc = FC_OK;
    if (a < 0 || H5Awrite(a, type, value) < 0) rc = fc_set_error("cannot write attribute '%s'", name);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return rc;
}

int h5u_set_attr_str(hid_t loc, const char *name, const char *value) {
    /* variable-length UTF-8, as h5py writes str attributes (h5py then reads back a str, not bytes) */
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    int rc = h5u_set_attr(loc, name, t, &value);
    H5Tclose(t);
    return rc;
}

int h5u_set_attr_int(hid_t loc, const char *name, int64_t value) {
    return h5u_set_attr(loc, name, H5T_NATIVE_INT64, &value);
}

int h5u_set_attr_double(hid_t loc, const char *name, double value) {
    return h5u_set_attr(loc, name, H5T_NATIVE_DOUBLE, &value);
}

/* open a scalar (or 1-element) attribute; -1 if missing */
static hid_t h5u_open_attr(hid_t loc, const char *name, H5T_class_t *cls) {
    h5u_quiet();
    if (H5Aexists(loc, name) <= 0) return -1;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t space = H5Aget_space(a);
    hssize_t npts = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    if (npts != 1) { H5Aclose(a); return -1; }
    hid_t t = H5Aget_type(a);
    *cls = H5Tget_class(t);
    H5Tclose(t);
    return a;
}

int h5u_get_attr_str(hid_t loc, const char *name, char *out, size_t out_len) {
    H5T_class_t c;
    hid_t a = h5u_open_attr(loc, name, &c);
    if (a < 0) return fc_set_error("attribute '%s' is missing", name);
    if (c != H5T_STRING) { H5Aclose(a); return fc_set_error("attribute '%s' is not a string", name); }
    hid_t ft = H5Aget_type(a);
    int rc = FC_OK;
    if (H5Tis_variable_str(ft) > 0) { /* as h5py writes str attributes */
        hid_t mt = H5Tcopy(ft); /* same character set: HDF5 does not convert ASCII <-> UTF-8 */
        char *s = NULL;
        if (H5Aread(a, mt, &s) < 0 || !s) rc = fc_set_error("cannot read attribute '%s'", name);
        else snprintf(out, out_len, "%s", s);
        if (s) H5free_memory(s);
        H5Tclose(mt);
    } else {
        size_t n = H5Tget_size(ft);
        char *s = fc_calloc(n + 1, 1);
        hid_t mt = H5Tcopy(ft);
        if (H5Aread(a, mt, s) < 0) rc = fc_set_error("cannot read attribute '%s'", name);
        else snprintf(out, out_len, "%s", s);
        H5Tclose(mt);
        free(s);
    }
    H5Tclose(ft);
    H5Aclose(a);
    return rc;
}

int h5u_get_attr_int(hid_t loc, const char *name, int64_t *out) {
    H5T_class_t c;
    hid_t a = h5u_open_attr(loc, name, &c);
    if (a < 0) return fc_set_error("attribute '%s' is missing", name);
    int rc = FC_OK;
    if (c != H5T_INTEGER) rc = fc_set_error("attribute '%s' is not an integer", name);
    else if (H5Aread(a, H5T_NATIVE_INT64, out) < 0) rc = fc_set_error("cannot read attribute '%s'", name);
    H5Aclose(a);
    return rc;
}

int h5u_get_attr_double(hid_t loc, const char *name, double *out) {
    H5T_class_t c;
    hid_t a = h5u_open_attr(loc, name, &c);
    if (a < 0) return fc_set_error("attribute '%s' is missing", name);
    int rc = FC_OK;
    if (c != H5T_INTEGER && c != H5T_FLOAT) rc = fc_set_error("attribute '%s' is not a number", name);
    else if (H5Aread(a, H5T_NATIVE_DOUBLE, out) < 0) rc = fc_set_error("cannot read attribute '%s'", name);
    H5Aclose(a);
    return rc;
}

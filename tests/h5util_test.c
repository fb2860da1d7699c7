/* h5util_test.c: round trip of the HDF5 helpers: atomic create/commit (no temp file left, the
 * target appears only at commit), abort (nothing left), nested writes with intermediate groups,
 * chunked+deflate writes, shape/type queries, checked reads and their one-line errors, and
 * string/int/double attributes. Usage: h5util_test [TMPDIR] */
#include "flowchunk/check.h"
#include "flowchunk/h5util.h"
#include "expect.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static int exists(const char *p) { struct stat st; return stat(p, &st) == 0; }

/* number of entries in dir whose name starts with prefix */
static int count_prefix(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d) closedir(d);
    return n;
}

int main(int argc, char **argv) {
    char dir[512];
    if (argc > 1) snprintf(dir, sizeof dir, "%s", argv[1]);
    else {
        snprintf(dir, sizeof dir, "%s/h5util_test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    }
    char path[600], tmp[700];
    snprintf(path, sizeof path, "%s/a.h5", dir);
    unlink(path);

    /* abort leaves nothing */
    hid_t f = h5u_create_atomic(path, tmp, sizeof tmp);
    EXPECT(f >= 0);
    EXPECT(exists(tmp) && !exists(path));
    h5u_abort_atomic(f, tmp);
    EXPECT(!exists(tmp) && !exists(path));

    /* create, write, commit */
    f = h5u_create_atomic(path, tmp, sizeof tmp);
    EXPECT(f >= 0);
    float a[6 * 5];
    for (int i = 0; i < 30; i++) a[i] = 0.5f * (float)i - 3.0f;
    int64_t ends[3] = {2, 4, 6};
    hsize_t da[2] = {6, 5}, de[1] = {3};
    EXPECT(h5u_write(f, "data/state", H5T_NATIVE_FLOAT, 2, da, a, 4) == FC_OK);
    EXPECT(h5u_write(f, "/meta/deep/episode_ends", H5T_NATIVE_INT64, 1, de, ends, 0) == FC_OK);
    hid_t g = H5Gopen2(f, "/data", H5P_DEFAULT); /* left open on purpose: commit must still work */
    EXPECT(g >= 0);
    EXPECT(h5u_set_attr_str(f, "format", "flowchunk-test") == FC_OK);
    EXPECT(h5u_set_attr_str(f, "format", "flowchunk-test2") == FC_OK); /* overwrite */
    EXPECT(h5u_set_attr_int(f, "version", 7) == FC_OK);
    EXPECT(h5u_set_attr_double(f, "lr", 1e-4) == FC_OK);
    { /* a fixed-length string attribute, as other tools may write: the getter reads both kinds */
        hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
        H5Tset_size(t, 6);
        hid_t at = H5Acreate2(f, "fixed", t, sp, H5P_DEFAULT, H5P_DEFAULT);
        EXPECT(at >= 0 && H5Awrite(at, t, "abcdef") >= 0);
        H5Aclose(at);
        H5Sclose(sp);
        H5Tclose(t);
    }
    EXPECT(!exists(path));
    EXPECT(h5u_commit_atomic(f, tmp, path) == FC_OK);
    EXPECT(exists(path) && !exists(tmp));
    EXPECT(count_prefix(dir, "a.h5.tmp") == 0);

    /* read back */
    f = h5u_open_read(path);
    EXPECT(f >= 0);
    hsize_t dims[H5U_MAX_RANK];
    EXPECT(h5u_shape(f, "data/state", dims) == 2 && dims[0] == 6 && dims[1] == 5);
    EXPECT(h5u_shape(f, "/meta/deep/episode_ends", dims) == 1 && dims[0] == 3);
    EXPECT(h5u_shape(f, "nope/state", dims) == -1);
    EXPECT(h5u_shape(f, "data", dims) == -1); /* a group, not a dataset */
    EXPECT(h5u_is_float(f, "data/state") && !h5u_is_integer(f, "data/state"));
    EXPECT(h5u_is_integer(f, "meta/deep/episode_ends") && !h5u_is_float(f, "meta/deep/episode_ends"));
    float b[30];
    EXPECT(h5u_read(f, "data/state", H5T_NATIVE_FLOAT, b) == FC_OK);
    EXPECT(memcmp(a, b, sizeof a) == 0);
    void *buf = NULL;
    int64_t want_ok[2] = {-1, 5};
    EXPECT(h5u_read_checked(f, "a.h5", "/data/state", H5T_NATIVE_FLOAT, 2, want_ok, dims, &buf) == FC_OK);
    EXPECT(buf && memcmp(a, buf, sizeof a) == 0);
    free(buf);
    int64_t want_bad[2] = {-1, 4};
    EXPECT(h5u_read_checked(f, "a.h5", "data/state", H5T_NATIVE_FLOAT, 2, want_bad, dims, &buf) == FC_ERR);
    EXPECT(buf == NULL);
    EXPECT(strcmp(fc_last_error(), "a.h5: /data/state has shape (6,5), expected (N,4)") == 0);
    fprintf(stderr, "message: %s\n", fc_last_error());
    int64_t want_1d[1] = {-1};
    EXPECT(h5u_read_checked(f, "a.h5", "data/missing", H5T_NATIVE_FLOAT, 1, want_1d, dims, &buf) == FC_ERR);
    EXPECT(strcmp(fc_last_error(), "a.h5: dataset /data/missing is missing") == 0);
    EXPECT(h5u_read_checked(f, "a.h5", "data/state", H5T_NATIVE_INT64, 2, want_ok, dims, &buf) == FC_ERR);
    int64_t want_e[1] = {4};
    EXPECT(h5u_read_checked(f, "a.h5", "meta/deep/episode_ends", H5T_NATIVE_INT64, 1, want_e, dims, &buf) == FC_ERR);
    EXPECT(strcmp(fc_last_error(), "a.h5: /meta/deep/episode_ends has shape (3,), expected (4,)") == 0);
    char s[64];
    int64_t v = 0;
    double d = 0;
    EXPECT(h5u_get_attr_str(f, "format", s, sizeof s) == FC_OK && strcmp(s, "flowchunk-test2") == 0);
    EXPECT(h5u_get_attr_str(f, "fixed", s, sizeof s) == FC_OK && strcmp(s, "abcdef") == 0);
    EXPECT(h5u_get_attr_int(f, "version", &v) == FC_OK && v == 7);
    EXPECT(h5u_get_attr_double(f, "lr", &d) == FC_OK && d == 1e-4);
    EXPECT(h5u_get_attr_double(f, "version", &d) == FC_OK && d == 7.0);
    EXPECT(h5u_get_attr_int(f, "format", &v) == FC_ERR);
    EXPECT(h5u_get_attr_str(f, "version", s, sizeof s) == FC_ERR);
    EXPECT(h5u_get_attr_str(f, "absent", s, sizeof s) == FC_ERR);
    H5Fclose(f);

    /* open errors */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/not_hdf5.txt", dir);
    FILE *fp = fopen(bad, "w");
    fputs("hello\n", fp);
    fclose(fp);
    EXPECT(h5u_open_read(bad) < 0);
    fprintf(stderr, "message: %s\n", fc_last_error());
    EXPECT(strstr(fc_last_error(), "not an HDF5 file") != NULL);
    snprintf(bad, sizeof bad, "%s/absent.h5", dir);
    EXPECT(h5u_open_read(bad) < 0);
    EXPECT(strstr(fc_last_error(), "No such file") != NULL);
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.h5", dir);
    EXPECT(h5u_create_atomic(bad, tmp, sizeof tmp) < 0);
    fprintf(stderr, "message: %s\n", fc_last_error());
    EXPECT(strstr(fc_last_error(), "does not exist") != NULL);

    snprintf(bad, sizeof bad, "%s/not_hdf5.txt", dir);
    unlink(bad);
    unlink(path);
    if (argc <= 1) rmdir(dir);
    if (failures) fprintf(stderr, "h5util_test: %d failure(s)\n", failures);
    else fprintf(stderr, "h5util_test: ok\n");
    return failures ? 1 : 0;
}

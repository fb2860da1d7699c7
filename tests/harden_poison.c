/* harden_poison.c: test helper that damages a COPY of an HDF5 file the way a diverged run or a
 * broken writer would, with the real HDF5 library: sets element INDEX of float dataset NAME.
 *   harden_poison FILE.h5 NAME INDEX VALUE      (VALUE may be nan, inf, -inf) */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: harden_poison FILE.h5 NAME INDEX VALUE\n");
        return 2;
    }
    hid_t f = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, argv[2], H5P_DEFAULT) : -1;
    if (d < 0) { fprintf(stderr, "%s: cannot open %s\n", argv[1], argv[2]); return 1; }
    hid_t s = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_npoints(s);
    long idx = atol(argv[3]);
    float *x = malloc((size_t)n * sizeof(float));
    if (idx < 0 || idx >= n || H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0) {
        fprintf(stderr, "%s: index %ld outside %s (%lld values) or unreadable\n", argv[1], idx, argv[2], (long long)n);
        return 1;
    }
    x[idx] = strtof(argv[4], NULL);
    int rc = H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0;
    free(x);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    return rc;
}

/* norm_h5.c: reads and writes the /norm group of windows files and checkpoints (norm_h5.h). */
#include "flowchunk/norm_h5.h"
#include "flowchunk/check.h"
#include "flowchunk/h5util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *NORM_NAMES[4] = {"norm/obs_min", "norm/obs_max", "norm/action_min", "norm/action_max"};

int norm_h5_write(hid_t loc, const Norm *n) {
    hsize_t od = (hsize_t)n->obs_dim, ad = (hsize_t)n->act_dim;
    const float *src[4] = {n->obs_min, n->obs_max, n->act_min, n->act_max};
    for (int k = 0; k < 4; k++)
        if (h5u_write(loc, NORM_NAMES[k], H5T_NATIVE_FLOAT, 1, k < 2 ? &od : &ad, src[k], 0) != FC_OK) return FC_ERR;
    return FC_OK;
}

int norm_h5_read(hid_t loc, const char *label, Norm *n) {
    float *dst[4] = {n->obs_min, n->obs_max, n->act_min, n->act_max};
    int dims[4] = {0};
    memset(n, 0, sizeof *n);
    for (int k = 0; k < 4; k++) {
        int64_t expect = -1;
        hsize_t d[H5U_MAX_RANK];
        void *buf = NULL;
        if (h5u_read_checked(loc, label, NORM_NAMES[k], H5T_NATIVE_FLOAT, 1, &expect, d, &buf) != FC_OK) return FC_ERR;
        dims[k] = (int)d[0];
        if (d[0] < 1 || d[0] > NORM_MAX_DIM) {
            free(buf);
            return fc_set_error("%s: /%s has %d entries, expected 1..%d", label, NORM_NAMES[k], dims[k], NORM_MAX_DIM);
        }
        memcpy(dst[k], buf, d[0] * sizeof(float));
        free(buf);
        for (int i = 0; i < dims[k]; i++)
            if (!isfinite(dst[k][i])) return fc_set_error("%s: /%s[%d] is not finite", label, NORM_NAMES[k], i);
    }
    if (dims[0] != dims[1] || dims[2] != dims[3]) return fc_set_error("%s: /norm min and max differ in size", label);
    n->obs_dim = dims[0];
    n->act_dim = dims[2];
    return FC_OK;
}

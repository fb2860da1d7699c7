/* norm_h5.h: the /norm group (obs_min, obs_max, action_min, action_max; float32, one value per
 * single-step dimension) shared by windows files and checkpoints. Implemented in src/norm_h5.c. */
#ifndef FLOWCHUNK_NORM_H5_H
#define FLOWCHUNK_NORM_H5_H

#include "flowchunk/norm.h"

#include <hdf5.h>

/* write /norm/... under loc; FC_OK or FC_ERR */
int norm_h5_write(hid_t loc, const Norm *n);
/* read /norm/... (sizes 1..NORM_MAX_DIM, min and max of equal size, finite values); label names
 * the file in errors; FC_OK or FC_ERR + fc_set_error */
int norm_h5_read(hid_t loc, const char *label, Norm *n);

#endif

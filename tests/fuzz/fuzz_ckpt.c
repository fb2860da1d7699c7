/* fuzz_ckpt.c: libFuzzer target of the checkpoint readers: the metadata (ckpt_read_meta, `flowchunk
 * info`), the policy loader of `flowchunk eval` (ckpt_load_policy, EMA preferred) and the resume
 * loader (ckpt_load_train: weights, EMA, optimiser state). */
#include "flowchunk/ckpt.h"
#include "flowchunk/check.h"
#include "fuzz_input.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_input_file("ckpt.h5", data, size);
    ckpt_describe(path, 1);
    Policy p;
    CkptMeta meta;
    if (ckpt_load_policy(path, &p, &meta, 1) != FC_OK) {
        fuzz_check_hdf5_closed("fuzz_ckpt");
        return 0;
    }
    Optim o;
    optim_init(&o, &meta.optim, p.net.n_params);
    float *params = fc_malloc(p.net.n_params * sizeof(float)), *ema = fc_malloc(p.net.n_params * sizeof(float));
    ckpt_load_train(path, &p, params, meta.ema ? ema : NULL, &o);
    free(params);
    free(ema);
    optim_free(&o);
    policy_free(&p);
    fuzz_check_hdf5_closed("fuzz_ckpt");
    return 0;
}

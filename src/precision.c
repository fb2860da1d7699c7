/* precision.c: the run's GEMM back end, agreed by the trainers (precision.h). */
#include "precision.h"

#include <stdint.h>
#include <stdio.h>

#include "flowchunk/check.h"
#include "flowchunk/dist.h"

GemmBackend precision_agree(Mlp *m, int batch_rows, const PrecisionRequest *r, int is_root, int n_trainers,
                            char *why, size_t n) {
    Precision p = r->precision;
    int pinned = r->pinned;
    float all = (float)gemm_bf16_supported();
    dist_allreduce_sum(&all, 1);
    int bf16_everywhere = all == (float)n_trainers;
    GemmBackend be = GEMM_OPENBLAS;
    why[0] = '\0';
    if (p == PRECISION_AUTO && pinned < 0 && r->resumed && r->resumed[0] &&
        gemm_backend_parse(r->resumed, &be) == 0 && (be != GEMM_DNNL_BF16 || bf16_everywhere)) {
        pinned = (int)be; /* the resumed run continues bit for bit */
        snprintf(why, n, "kept from the resumed checkpoint");
    }
    if (p == PRECISION_AUTO && pinned < 0 && !bf16_everywhere) p = PRECISION_FP32;
    int32_t pick = 0;
    if (is_root) {
        GemmShape shapes[3 * MLP_MAX_LAYERS];
        double ms[GEMM_N_BACKENDS];
        if (gemm_resolve(p, pinned, shapes, mlp_gemm_shapes(m, batch_rows, shapes), &be, ms) != FC_OK)
            fc_die("%s", fc_last_error());
        pick = (int32_t)be;
        if (ms[be] > 0)
            snprintf(why, n, "--precision %s, measured: openblas %.2f, onednn-fp32 %.2f, onednn-bf16 %.2f ms per "
                     "step's products (0 = not a candidate)", precision_name(r->precision), ms[0], ms[1], ms[2]);
        else if (!why[0])
            snprintf(why, n, "--precision %s", pinned >= 0 ? gemm_backend_name((GemmBackend)pinned) : precision_name(p));
    }
    dist_bcast_bytes(&pick, sizeof pick, 0);
    mlp_set_gemm(m, (GemmBackend)pick);
    return (GemmBackend)pick;
}

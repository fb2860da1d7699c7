/* precision.h: the GEMM back end of a training run (gemm.h), one answer on every trainer. A resume
 * under --precision auto keeps the checkpoint's back end (the continuation is bit for bit); else
 * trainer 0 measures the candidates on the step's own shapes (gemm_resolve) and broadcasts its
 * pick; auto takes bf16 only where every trainer runs it. An explicit bf16 request on a CPU
 * without bf16 is refused before this, where errors are still agreed (train_check_config).
 * Implemented in src/precision.c. */
#ifndef FLOWCHUNK_PRECISION_H
#define FLOWCHUNK_PRECISION_H

#include <stddef.h>

#include "flowchunk/gemm.h"
#include "flowchunk/mlp.h"

typedef struct {
    Precision precision;      /* --precision */
    int pinned;               /* a back end named by --precision, else -1 */
    const char *resumed;      /* the resumed checkpoint's back end name, "" or NULL: none */
} PrecisionRequest;

/* collective over the trainers: sets m's back end and returns it; *why (n bytes) says how it was
 * chosen (on the root; "" elsewhere) */
GemmBackend precision_agree(Mlp *m, int batch_rows, const PrecisionRequest *r, int is_root, int n_trainers,
                            char *why, size_t n);

#endif

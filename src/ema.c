/* ema.c: exponential moving average of the weights with Diffusion Policy's warmup
 * (EMAModel.get_decay, https://github.com/real-stanford/diffusion_policy/blob/main/diffusion_policy/model/diffusion/ema_model.py,
 * after @crowsonkb's EMA warmup): with update_after_step = 0, inv_gamma = 1, power = 0.75,
 *   s = max(0, step - 1);  decay = 0 if s == 0 else clamp(1 - (1 + s)^-0.75, 0, 0.9999)
 * where `step` counts the EMA updates already made (the first two updates copy the weights). */
#include "flowchunk/optim.h"

#include <math.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic")
#endif

float ema_decay(int64_t step) {
    int64_t s = step - 1;
    if (s <= 0) return 0.0f;
    double value = 1.0 - pow(1.0 + (double)s, -0.75);
    if (value > 0.9999) value = 0.9999;
    if (value < 0.0) value = 0.0;
    return (float)value;
}

/* ema.mul_(decay).add_(param, alpha=1-decay) */
void ema_update(float *ema, const float *params, size_t n, float decay) {
    float a = 1.0f - decay;
    for (size_t i = 0; i < n; i++) ema[i] = ema[i] * decay + a * params[i];
}

/* bench_peak.c: the measured fp32 FMA peak of one core, the yardstick for the GEMM figures of
 * benchmarks/RESULTS.md ("Training step"). Runs 12 independent chains of vector FMAs (enough to
 * cover the FMA latency x the FMA ports of any current x86 core) for about a second per width
 * and prints GFLOP/s = 2 x lanes x FMAs / second, for the widest ISA this CPU has (AVX-512 and
 * AVX2+FMA, picked at run time) and each narrower one, and the bf16 dot-product peak
 * (vdpbf16ps) where the core has AVX512-BF16. Cores change speed with load and
 * temperature: run it next to the benchmark it is a yardstick for, and quote both.
 *   build/benchmarks/bench_peak [--seconds S]   -> "peak isa=avx2 gflops=..." lines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define CHAINS 12
#define INNER 1000

/* one block: CHAINS x INNER FMAs of `lanes` floats; the sum keeps the compiler from dropping it */
#define PEAK_KERNEL(name, isa, vec, set1, fmadd, add, store, lanes)                           \
    __attribute__((target(isa))) static double name(double seconds, float *sink) {         \
        vec acc[CHAINS];                                                                       \
        for (int c = 0; c < CHAINS; c++) acc[c] = set1(1.0f + 1e-3f * (float)c);              \
        const vec m = set1(0.999999f), a = set1(1e-7f);                                        \
        double t0 = now(), t = t0;                                                             \
        long blocks = 0;                                                                       \
        while (t - t0 < seconds) {                                                             \
            for (int i = 0; i < INNER; i++)                                                    \
                _Pragma("GCC unroll 12") for (int c = 0; c < CHAINS; c++)                      \
                    acc[c] = fmadd(acc[c], m, a);                                              \
            blocks++;                                                                          \
            t = now();                                                                         \
        }                                                                                      \
        vec s = acc[0];                                                                        \
        for (int c = 1; c < CHAINS; c++) s = add(s, acc[c]);                                   \
        float out[lanes];                                                                      \
        store(out, s);                                                                         \
        *sink = out[0];                                                                        \
        return 2.0 * lanes * (double)CHAINS * INNER * (double)blocks / (t - t0) * 1e-9;        \
    }

PEAK_KERNEL(peak_avx2, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_storeu_ps, 8)
PEAK_KERNEL(peak_avx512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_storeu_ps, 16)

/* AVX512-BF16: vdpbf16ps does 16 lanes x 2 bf16 products summed into fp32 = 64 flops */
__attribute__((target("avx512f,avx512bf16"))) static double peak_bf16(double seconds, float *sink) {
    __m512 acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps(1.0f + 1e-3f * (float)c);
    const __m512bh x = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-4f), _mm512_set1_ps(1e-4f));
    double t0 = now(), t = t0;
    long blocks = 0;
    while (t - t0 < seconds) {
        for (int i = 0; i < INNER; i++)
            _Pragma("GCC unroll 12") for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_dpbf16_ps(acc[c], x, x);
        blocks++;
        t = now();
    }
    __m512 s = acc[0];
    for (int c = 1; c < CHAINS; c++) s = _mm512_add_ps(s, acc[c]);
    float out[16];
    _mm512_storeu_ps(out, s);
    *sink = out[0];
    return 64.0 * (double)CHAINS * INNER * (double)blocks / (t - t0) * 1e-9;
}

int main(int argc, char **argv) {
    double seconds = 1.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else { fprintf(stderr, "usage: bench_peak [--seconds S]\n"); return 2; }
    }
    float sink = 0.0f;
    int any = 0;
    if (__builtin_cpu_supports("avx512bf16")) {
        printf("peak isa=avx512_bf16 lanes=16x2 gflops=%.1f\n", peak_bf16(seconds, &sink));
        any = 1;
    }
    if (__builtin_cpu_supports("avx512f")) {
        printf("peak isa=avx512 lanes=16 gflops=%.1f\n", peak_avx512(seconds, &sink));
        any = 1;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        printf("peak isa=avx2 lanes=8 gflops=%.1f\n", peak_avx2(seconds, &sink));
        any = 1;
    }
    if (!any) printf("peak isa=none (no AVX2+FMA): nothing measured\n");
    return sink == 12345.0f; /* never: keeps the sums alive */
}
#else
int main(void) {
    printf("peak isa=none (not x86-64): nothing measured\n");
    return 0;
}
#endif

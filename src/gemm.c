/* gemm.c: the GEMM layer of gemm.h. OpenBLAS is one cblas_sgemm call; oneDNN products go through
 * a matmul primitive made once per (data type, shape, strides, bias, accumulate) and kept in a small
 * cache, with the operand memories rebound to the caller's pointers at each call. Transposes are
 * strides (a row-major (K, M) A read as (M, K) has strides {1, lda}); accumulation is oneDNN's sum
 * post-op, the bias its matmul bias. oneDNN C API: https://oneapi-src.github.io/oneDNN/v2.6/ */
#include "flowchunk/gemm.h"

#include <cblas.h>
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowchunk/check.h"
#include "progress.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GEMM_X86 1
#endif

/* the OpenMP runtime oneDNN is built on (Debian: libgomp); its C ABI is the standard's */
void omp_set_num_threads(int n);

#define DNNL_OK(call) do { dnnl_status_t st_ = (call); \
    if (st_ != dnnl_success) fc_die("oneDNN: %s failed (status %d)", #call, (int)st_); } while (0)

typedef struct {
    dnnl_data_type_t dt;
    GemmShape s;
    int lda, ldb, ldc, bias, acc;
    dnnl_primitive_t prim;
    dnnl_memory_t a, b, bias_m, c;
    char impl[64];
} GemmPrim;

#define GEMM_CACHE 128
#define GEMM_CHOICE_MARGIN 1.15
static struct {
    int ready;
    dnnl_engine_t eng;
    dnnl_stream_t stream;
    int n, evict;             /* entries in use; the next one a full cache replaces (round robin) */
    GemmPrim p[GEMM_CACHE];
} G;

static void gemm_dnnl_init(void) {
    if (G.ready) return;
    /* one thread per rank unless the user asked for more (OMP_NUM_THREADS) */
    if (!getenv("OMP_NUM_THREADS")) omp_set_num_threads(1);
    DNNL_OK(dnnl_engine_create(&G.eng, dnnl_cpu, 0));
    DNNL_OK(dnnl_stream_create(&G.stream, G.eng, dnnl_stream_default_flags));
    G.ready = 1;
}

/* a row-major (rows, cols) view of a matrix stored with row stride ld, transposed when t */
static void gemm_md(dnnl_memory_desc_t *md, dnnl_data_type_t dt, int rows, int cols, int ld, int t) {
    dnnl_dims_t dims = {rows, cols}, strides = {t ? 1 : ld, t ? ld : 1};
    DNNL_OK(dnnl_memory_desc_init_by_strides(md, 2, dims, dt, strides));
}

static GemmPrim *gemm_prim(dnnl_data_type_t dt, GemmShape s, int lda, int ldb, int ldc, int bias, int acc) {
    for (int i = 0; i < G.n; i++) {
        GemmPrim *p = &G.p[i];
        if (p->dt == dt && !memcmp(&p->s, &s, sizeof s) && p->lda == lda && p->ldb == ldb &&
            p->ldc == ldc && p->bias == bias && p->acc == acc)
            return p;
    }
    gemm_dnnl_init();
    GemmPrim *p;
    if (G.n < GEMM_CACHE) p = &G.p[G.n++];
    else { /* a training run uses ~3 per layer; only a test or a benchmark sweeping shapes gets here */
        p = &G.p[G.evict];
        G.evict = (G.evict + 1) % GEMM_CACHE;
        dnnl_primitive_destroy(p->prim);
        dnnl_memory_destroy(p->a), dnnl_memory_destroy(p->b), dnnl_memory_destroy(p->c);
        if (p->bias_m) dnnl_memory_destroy(p->bias_m);
    }
    memset(p, 0, sizeof *p);
    p->dt = dt, p->s = s, p->lda = lda, p->ldb = ldb, p->ldc = ldc, p->bias = bias, p->acc = acc;
    dnnl_memory_desc_t a_md, b_md, c_md, bias_md;
    gemm_md(&a_md, dt, s.M, s.K, lda, s.ta);
    gemm_md(&b_md, dt, s.K, s.N, ldb, s.tb);
    gemm_md(&c_md, dnnl_f32, s.M, s.N, ldc, 0);
    gemm_md(&bias_md, dnnl_f32, 1, s.N, s.N, 0);
    dnnl_matmul_desc_t d;
    DNNL_OK(dnnl_matmul_desc_init(&d, &a_md, &b_md, bias ? &bias_md : NULL, &c_md));
    dnnl_primitive_attr_t attr;
    DNNL_OK(dnnl_primitive_attr_create(&attr));
    if (acc) {
        dnnl_post_ops_t po;
        DNNL_OK(dnnl_post_ops_create(&po));
        DNNL_OK(dnnl_post_ops_append_sum(po, 1.0f));
        DNNL_OK(dnnl_primitive_attr_set_post_ops(attr, po));
        dnnl_post_ops_destroy(po);
    }
    dnnl_primitive_desc_t pd;
    DNNL_OK(dnnl_primitive_desc_create(&pd, &d, attr, G.eng, NULL));
    dnnl_primitive_attr_destroy(attr);
    const char *impl = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl)
        snprintf(p->impl, sizeof p->impl, "%s", impl);
    DNNL_OK(dnnl_primitive_create(&p->prim, pd));
    dnnl_primitive_desc_destroy(pd);
    DNNL_OK(dnnl_memory_create(&p->a, &a_md, G.eng, DNNL_MEMORY_NONE));
    DNNL_OK(dnnl_memory_create(&p->b, &b_md, G.eng, DNNL_MEMORY_NONE));
    DNNL_OK(dnnl_memory_create(&p->c, &c_md, G.eng, DNNL_MEMORY_NONE));
    if (bias) DNNL_OK(dnnl_memory_create(&p->bias_m, &bias_md, G.eng, DNNL_MEMORY_NONE));
    return p;
}

static void gemm_dnnl(dnnl_data_type_t dt, GemmShape s, const void *A, int lda, const void *B, int ldb,
                      const float *bias, int acc, float *C, int ldc) {
    GemmPrim *p = gemm_prim(dt, s, lda, ldb, ldc, bias != NULL, acc);
    DNNL_OK(dnnl_memory_set_data_handle(p->a, (void *)A));
    DNNL_OK(dnnl_memory_set_data_handle(p->b, (void *)B));
    DNNL_OK(dnnl_memory_set_data_handle(p->c, C));
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, p->a}, {DNNL_ARG_WEIGHTS, p->b}, {DNNL_ARG_DST, p->c}};
    int n = 3;
    if (bias) {
        DNNL_OK(dnnl_memory_set_data_handle(p->bias_m, (void *)bias));
        args[n++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, p->bias_m};
    }
    DNNL_OK(dnnl_primitive_execute(p->prim, G.stream, n, args));
    DNNL_OK(dnnl_stream_wait(G.stream));
}

void gemm_f32(GemmBackend be, GemmShape s, const float *A, int lda, const float *B, int ldb,
              const float *bias, int accumulate, float *C, int ldc) {
    if (be == GEMM_DNNL_F32) { gemm_dnnl(dnnl_f32, s, A, lda, B, ldb, bias, accumulate, C, ldc); return; }
    FC_ASSERT(be == GEMM_OPENBLAS, "gemm_f32 runs the fp32 back ends only");
    FC_ASSERT(!(bias && accumulate), "a product adds a bias or accumulates, not both");
    if (bias) /* the bias broadcast into C, then C += AB: one sgemm */
        for (int i = 0; i < s.M; i++) memcpy(C + (size_t)i * ldc, bias, (size_t)s.N * sizeof(float));
    cblas_sgemm(CblasRowMajor, s.ta ? CblasTrans : CblasNoTrans, s.tb ? CblasTrans : CblasNoTrans,
                s.M, s.N, s.K, 1.0f, A, lda, B, ldb, (bias || accumulate) ? 1.0f : 0.0f, C, ldc);
}

void gemm_bf16(GemmShape s, const uint16_t *A, int lda, const uint16_t *B, int ldb,
               const float *bias, int accumulate, float *C, int ldc) {
    gemm_dnnl(dnnl_bf16, s, A, lda, B, ldb, bias, accumulate, C, ldc);
}

/* ---- bf16 conversion -------------------------------------------------------------------------- */

static inline uint16_t gemm_bf16_one(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu)) return (uint16_t)((u >> 16) | 0x40); /* quiet NaN */
    if ((u & 0x7f800000u) == 0) return (uint16_t)((u >> 16) & 0x8000); /* subnormal or zero: signed zero */
    u += 0x7fffu + ((u >> 16) & 1u); /* round to nearest, ties to even (overflow rounds to inf) */
    return (uint16_t)(u >> 16);
}

void gemm_to_bf16_ref(uint16_t *dst, const float *src, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = gemm_bf16_one(src[i]);
}

#ifdef GEMM_X86
__attribute__((target("avx512f,avx512bf16,avx512vl"))) static void gemm_to_bf16_avx512(uint16_t *dst, const float *src, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512bh h = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
        _mm512_storeu_si512((void *)(dst + i), (__m512i)h);
    }
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + i)));
    if (i < n) gemm_to_bf16_ref(dst + i, src + i, n - i);
}
#endif

static int gemm_cpu_bf16(void) {
#ifdef GEMM_X86
    static int have = -1;
    if (have < 0) have = __builtin_cpu_supports("avx512bf16") != 0;
    return have;
#else
    return 0;
#endif
}

void gemm_to_bf16(uint16_t *dst, const float *src, size_t n) {
#ifdef GEMM_X86
    if (gemm_cpu_bf16()) { gemm_to_bf16_avx512(dst, src, n); return; }
#endif
    gemm_to_bf16_ref(dst, src, n);
}

/* ---- what this machine runs ------------------------------------------------------------------- */

int gemm_bf16_supported(void) {
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    return (isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16;
}

const char *gemm_isa_name(void) {
    static const struct { dnnl_cpu_isa_t isa; const char *name; } t[] = {
        {dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"}, {dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"},
        {dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"}, {dnnl_cpu_isa_avx512_core, "avx512_core"},
        {dnnl_cpu_isa_avx2_vnni, "avx2_vnni"}, {dnnl_cpu_isa_avx2, "avx2"}, {dnnl_cpu_isa_avx, "avx"},
        {dnnl_cpu_isa_sse41, "sse41"}};
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if ((isa & t[i].isa) == t[i].isa) return t[i].name;
    return "unknown";
}

const char *gemm_impl_name(GemmBackend be, GemmShape s) {
    if (be == GEMM_OPENBLAS) return "openblas";
    int lda = s.ta ? s.M : s.K, ldb = s.tb ? s.K : s.N;
    return gemm_prim(be == GEMM_DNNL_BF16 ? dnnl_bf16 : dnnl_f32, s, lda, ldb, s.N, 0, 0)->impl;
}

/* ---- the measured choice ---------------------------------------------------------------------- */

static int gemm_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

GemmBackend gemm_choose(Precision p, const GemmShape *shapes, int n_shapes, int rounds, double *ms) {
    int cand[GEMM_N_BACKENDS], nc = 0;
    if (p != PRECISION_BF16) cand[nc++] = GEMM_OPENBLAS, cand[nc++] = GEMM_DNNL_F32;
    if (p != PRECISION_FP32 && gemm_bf16_supported()) cand[nc++] = GEMM_DNNL_BF16;
    if (ms) for (int b = 0; b < GEMM_N_BACKENDS; b++) ms[b] = 0;
    if (p == PRECISION_BF16) return GEMM_DNNL_BF16;
    /* operands big enough for every shape, filled with small values (their bits do not matter) */
    size_t na = 1, nb = 1, nc_ = 1;
    for (int i = 0; i < n_shapes; i++) {
        size_t a = (size_t)shapes[i].M * shapes[i].K, b = (size_t)shapes[i].K * shapes[i].N,
               c = (size_t)shapes[i].M * shapes[i].N;
        if (a > na) na = a;
        if (b > nb) nb = b;
        if (c > nc_) nc_ = c;
    }
    float *A = fc_malloc(na * sizeof(float)), *B = fc_malloc(nb * sizeof(float)), *C = fc_malloc(nc_ * sizeof(float));
    uint16_t *Ah = fc_malloc(na * sizeof(uint16_t)), *Bh = fc_malloc(nb * sizeof(uint16_t));
    for (size_t i = 0; i < na; i++) A[i] = (float)((i * 7) % 13) * 0.01f;
    for (size_t i = 0; i < nb; i++) B[i] = (float)((i * 5) % 11) * 0.01f;
    gemm_to_bf16(Ah, A, na);
    gemm_to_bf16(Bh, B, nb);
    enum { MAX_ROUNDS = 15 };
    if (rounds < 1) rounds = 1;
    if (rounds > MAX_ROUNDS) rounds = MAX_ROUNDS;
    double t[GEMM_N_BACKENDS][MAX_ROUNDS];
    for (int r = -1; r < rounds; r++) /* round -1 creates the primitives and warms the caches */
        for (int c = 0; c < nc; c++) {
            double t0 = progress_now();
            for (int i = 0; i < n_shapes; i++) {
                GemmShape s = shapes[i];
                int lda = s.ta ? s.M : s.K, ldb = s.tb ? s.K : s.N;
                if (cand[c] == GEMM_DNNL_BF16) gemm_bf16(s, Ah, lda, Bh, ldb, NULL, 0, C, s.N);
                else gemm_f32((GemmBackend)cand[c], s, A, lda, B, ldb, NULL, 0, C, s.N);
            }
            if (r >= 0) t[c][r] = progress_now() - t0;
        }
    /* the fastest, unless the preferred candidate (bf16 where it runs, else OpenBLAS) is within
     * GEMM_CHOICE_MARGIN of it: a measurement this short is noisy, and launches of one run should
     * not flip back ends (and so their bits) for a few percent */
    double m[GEMM_N_BACKENDS];
    int best = 0;
    for (int c = 0; c < nc; c++) {
        qsort(t[c], (size_t)rounds, sizeof(double), gemm_cmp_double);
        m[c] = 1e3 * t[c][rounds / 2];
        if (ms) ms[cand[c]] = m[c];
        if (m[c] < m[best]) best = c;
    }
    int pref = cand[nc - 1] == GEMM_DNNL_BF16 ? nc - 1 : 0;
    if (m[pref] <= GEMM_CHOICE_MARGIN * m[best]) best = pref;
    free(A), free(B), free(C), free(Ah), free(Bh);
    return (GemmBackend)cand[best];
}

/* ---- names ------------------------------------------------------------------------------------ */

static const char *const gemm_backend_names[GEMM_N_BACKENDS] = {"openblas", "onednn-fp32", "onednn-bf16"};
static const char *const precision_names[3] = {"auto", "fp32", "bf16"};

const char *gemm_backend_name(GemmBackend be) {
    FC_ASSERT((int)be >= 0 && (int)be < GEMM_N_BACKENDS, "unknown GEMM back end");
    return gemm_backend_names[be];
}

int gemm_backend_parse(const char *s, GemmBackend *be) {
    for (int i = 0; i < GEMM_N_BACKENDS; i++)
        if (!strcmp(s, gemm_backend_names[i])) { *be = (GemmBackend)i; return 0; }
    return -1;
}

const char *precision_name(Precision p) {
    FC_ASSERT((int)p >= 0 && (int)p < 3, "unknown precision");
    return precision_names[p];
}

int gemm_request_parse(const char *s, Precision *p, int *pinned) {
    GemmBackend be;
    *pinned = -1;
    if (precision_parse(s, p) == 0) return 0;
    if (gemm_backend_parse(s, &be) != 0) return -1;
    *pinned = (int)be;
    *p = gemm_backend_precision(be);
    return 0;
}

int gemm_check_request(Precision p, int pinned) {
    if ((pinned == GEMM_DNNL_BF16 || p == PRECISION_BF16) && !gemm_bf16_supported())
        return fc_set_error("--precision bf16 needs a CPU with AVX512-BF16 or AMX (oneDNN reports %s here): "
                            "use --precision fp32 or auto", gemm_isa_name());
    return FC_OK;
}

int gemm_resolve(Precision p, int pinned, const GemmShape *shapes, int n_shapes, GemmBackend *be, double *ms) {
    if (ms) for (int b = 0; b < GEMM_N_BACKENDS; b++) ms[b] = 0;
    if (gemm_check_request(p, pinned) != FC_OK) return FC_ERR;
    *be = pinned >= 0 ? (GemmBackend)pinned : gemm_choose(p, shapes, n_shapes, 5, ms);
    return FC_OK;
}

int precision_parse(const char *s, Precision *p) {
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, precision_names[i])) { *p = (Precision)i; return 0; }
    return -1;
}

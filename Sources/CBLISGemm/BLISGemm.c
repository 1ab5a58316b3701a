// See BLISGemm.h.
#include "BLISGemm.h"
#include <pthread.h>
#include <blis-serial/blis.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static rntm_t small_path_allowed, small_path_refused;

static void prepare(void) {
    bli_rntm_init_from_global(&small_path_allowed);
    bli_rntm_enable_l3_sup(&small_path_allowed);
    bli_rntm_init_from_global(&small_path_refused);
    bli_rntm_disable_l3_sup(&small_path_refused);
}

/// Whether BLIS may take its small-matrix path for a row-major m×n product over k, from
/// timings of every product of the reference steps (docs/performance.md): not for C 1,024
/// or more columns wide, nor for a long product (k ≥ 512) at least 128 on C's short side
/// and either 512 on its long side or k ≥ 1,024 (the mlp's 128-wide projector and predictor
/// products ran at 100–140 GFLOPS there, 150–180 packed). Thin and short products, most of
/// the convnet's, stay on it: there it is the faster path.
static int allows_small_path(int64_t m, int64_t n, int64_t k) {
    if (n >= 1024) return 0;
    int64_t short_side = m < n ? m : n, long_side = m < n ? n : m;
    return !(k >= 512 && short_side >= 128 && (long_side >= 512 || k >= 1024));
}

void wb_blis_sgemm(int transA, int transB, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                   float *c, int64_t ldc) {
    pthread_once(&once, prepare);
    // A copy per call: BLIS attaches its block pools to the runtime object it is given.
    rntm_t rntm = allows_small_path(m, n, k) ? small_path_allowed : small_path_refused;
    // As BLIS's own CBLAS does for row-major arguments: the column-major product
    // Cᵀ = op(B)ᵀ·op(A)ᵀ, the stored matrices read as column-major (row stride 1), so that
    // BLIS makes its other choices (kernels, operand order) exactly as through cblas_sgemm.
    bli_sgemm_ex(transB ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, transA ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
                 n, m, k, &alpha, (float *)b, 1, ldb, (float *)a, 1, lda, &beta, c, 1, ldc, NULL, &rntm);
}

// The one sgemm entry both BLAS shims share (Sources/COpenBLAS, Sources/CBLIS include it after
// their library's cblas.h): a row-major product with plain integer flags, the shape CKernels'
// wb_parallel_gemm calls once per part. Not a target of its own. Not API.
#ifndef WORKBENCH_SGEMM_SHIM_H
#define WORKBENCH_SGEMM_SHIM_H
#include <stdint.h>

static inline void wb_sgemm(int transA, int transB, int64_t m, int64_t n, int64_t k, float alpha,
                            const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                            float *c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}
#endif

// Matrix products split over the kernels' thread pool (see ParallelGemm.h).
#include "ParallelGemm.h"
#include "LayerKernels.h"
#include "Parallel.h"

typedef struct {
    wb_gemm_fn gemm;
    int transA, transB, splitRows;
    int64_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
    const float *a, *b;
    float *c;
} GemmJob;

/// Units [begin, end) of C's rows or columns: the matching rows of op(A) or columns of op(B).
static void gemm_part(void *context, int64_t begin, int64_t end, int part) {
    (void)part;
    const GemmJob *job = context;
    int64_t extent = job->splitRows ? job->m : job->n;
    int64_t from = begin * WB_GEMM_UNIT, to = end * WB_GEMM_UNIT < extent ? end * WB_GEMM_UNIT : extent;
    if (to <= from) return;
    if (job->splitRows) {
        const float *a = job->transA ? job->a + from : job->a + from * job->lda;
        job->gemm(job->transA, job->transB, to - from, job->n, job->k, job->alpha, a, job->lda,
                  job->b, job->ldb, job->beta, job->c + from * job->ldc, job->ldc);
    } else {
        const float *b = job->transB ? job->b + from * job->ldb : job->b + from;
        job->gemm(job->transA, job->transB, job->m, to - from, job->k, job->alpha, job->a, job->lda,
                  b, job->ldb, job->beta, job->c + from, job->ldc);
    }
}

void wb_parallel_gemm(wb_gemm_fn gemm, int transA, int transB, int64_t m, int64_t n, int64_t k,
                      float alpha, const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                      float *c, int64_t ldc) {
    GemmJob job = {gemm, transA, transB, m > n || (k < 256 && 2 * m >= n), m, n, k, lda, ldb, ldc, alpha, beta, a, b, c};
    int64_t extent = job.splitRows ? m : n, units = (extent + WB_GEMM_UNIT - 1) / WB_GEMM_UNIT;
    int threads = wb_kernel_threads();
    if (threads > units) threads = (int)units;
    if (threads <= 1 || 2.0 * (double)m * (double)n * (double)k < WB_GEMM_PARALLEL_FLOPS) {
        gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    wb_parallel_for(units, threads, gemm_part, &job);
}

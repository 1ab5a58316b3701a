// Matrix products split over the kernels' thread pool (wb_kernel_threads(), libgomp), each
// part one single-threaded call of the BLAS. The BLAS's own threading waits in spinning
// barriers (BLIS) or a server thread (OpenBLAS); beside any other busy process on the
// machine a spinning partner costs a scheduler slice per barrier. Here the only wait is the
// pool's join, which sleeps after a short spin, and each element is computed by one call on
// one thread in the library's own order, so the result does not depend on the thread count.
// Not API; TensorCore's BLAS.gemm is the caller.
#ifndef WORKBENCH_PARALLEL_GEMM_H
#define WORKBENCH_PARALLEL_GEMM_H
#include <stdint.h>

/// One row-major single-precision product C = alpha · op(A) · op(B) + beta · C, as the BLAS
/// module's shim provides it (wb_sgemm), with 0/1 for "not transposed"/"transposed".
typedef void (*wb_gemm_fn)(int transA, int transB, int64_t m, int64_t n, int64_t k, float alpha,
                           const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                           float *c, int64_t ldc);

/// Rows or columns of C per unit of the split: a multiple of every sgemm micro-tile width in
/// use (BLIS zen3: 16 columns; OpenBLAS Cooperlake: 16/32), so no part ends mid-tile.
#define WB_GEMM_UNIT 16

/// Products below this many floating-point operations run on one thread: the fork and join
/// (a few µs) would cost more than the second core saves.
#define WB_GEMM_PARALLEL_FLOPS 4000000.0

/// C = alpha · op(A) · op(B) + beta · C through `gemm`, with C's rows (when m > n, or when
/// k < 256 and m ≥ n/2, where splitting columns was measured slower) or else its columns cut
/// into one range per thread, whole WB_GEMM_UNITs each.
void wb_parallel_gemm(wb_gemm_fn gemm, int transA, int transB, int64_t m, int64_t n, int64_t k,
                      float alpha, const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                      float *c, int64_t ldc);
#endif

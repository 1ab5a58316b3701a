// `make bench-blas`: sgemm GFLOPS and heap allocations per call on the products of the mlp
// training step's linear layers and MoCo's queue, for whichever CBLAS this is linked with
// (OpenBLAS or BLIS; see the Makefile), threaded two ways:
//   library  the library's own threads (one call, nproc threads inside it)
//   split    as the workbench calls it: CKernels' own wb_parallel_gemm (C's rows or columns
//            cut into one range per thread, each a single-threaded call, on libgomp's pool)
// Built with WB_EXPERT (serial BLIS only), each single-threaded call is the workbench's own
// wb_blis_sgemm (CBLISGemm: BLIS's expert interface and its rule for the small-matrix path)
// instead of cblas_sgemm, so the split figures are those of the products the step makes.
// malloc is wrapped here to count every call the library makes, from any thread.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cblas.h>
#include "LayerKernels.h"
#include "ParallelGemm.h"
#ifdef WB_EXPERT
#include "BLISGemm.h"
#endif
extern void *__libc_malloc(size_t);
static volatile long counted = 0, big = 0;
/// Every malloc of the process, the BLAS's worker threads included; "large" is over 100 kB.
void *malloc(size_t n) {
    __atomic_add_fetch(&counted, 1, 0);
    if (n > 100000) __atomic_add_fetch(&big, 1, 0);
    return __libc_malloc(n);
}
#ifdef OPENBLAS
extern void openblas_set_num_threads(int);
static void set_library_threads(int n) { openblas_set_num_threads(n); }
#else
extern void bli_thread_set_num_threads(long);
static void set_library_threads(int n) { bli_thread_set_num_threads(n); }
#endif

static int split = 0;

/// One row-major product through the library, as the shims' wb_sgemm makes it (or, built
/// with WB_EXPERT, as CBLISGemm's wb_blis_sgemm makes it).
static void call(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                 const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
#ifdef WB_EXPERT
    wb_blis_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
#endif
}

/// One call with the library's own threads, or the workbench's own split (CKernels'
/// wb_parallel_gemm, compiled into this probe by the Makefile).
static void gemm(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc) {
    if (split) wb_parallel_gemm(call, ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
    else call(ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
}

int main(int argc, char **argv) {
    split = argc > 1 && strcmp(argv[1], "split") == 0;
    int threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    set_library_threads(split ? 1 : threads);
    wb_set_kernel_threads(threads);
    printf("%s threads: %d\n", split ? "split over OpenMP" : "library", threads);
    int size = 4096 * 1024;
    float *a = aligned_alloc(64, sizeof(float) * size), *b = aligned_alloc(64, sizeof(float) * size),
          *c = aligned_alloc(64, sizeof(float) * size);
    for (int i = 0; i < size; i++) a[i] = (float)(i % 7) / 7;
    for (int i = 0; i < size; i++) b[i] = (float)(i % 5) / 5;
    // The calls of the mlp step's linear layers (512 views), as Linear makes them: forward
    // x·Wᵀ (B transposed), weight gradient dyᵀ·x added into the gradient (A transposed,
    // beta 1), input gradient dy·W; the last "layer" is MoCo's 4096-key queue.
    int layers[][2] = {{784,1024},{1024,512},{512,1024},{1024,128},{128,1024},{128,4096}};
    const char *kinds[] = {"forward x·Wt", "weight grad dyt·x", "input grad dy·W"};
    int batch = 512;
    double totalFlops = 0, totalSeconds = 0;
    for (int s = 0; s < 6; s++) {
        int in = layers[s][0], out = layers[s][1];
        for (int kind = 0; kind < 3; kind++) {
            int ta = kind == 1, tb = kind == 0;
            int M = kind == 1 ? out : batch, N = kind == 1 ? in : (kind == 0 ? out : in), K = kind == 1 ? batch : (kind == 0 ? in : out);
            int lda = ta ? M : K, ldb = tb ? K : N;
            float beta = kind == 1 ? 1 : 0;
            for (int w = 0; w < 3; w++) gemm(ta, tb, M, N, K, a, lda, b, ldb, beta, c, N);
            long before = counted, bigBefore = big;
            struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
            int reps = 40;
            for (int r = 0; r < reps; r++) gemm(ta, tb, M, N, K, a, lda, b, ldb, beta, c, N);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double sec = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            totalFlops += 2.0 * M * N * K * reps; totalSeconds += sec;
            printf("%4d→%-4d %-18s %4dx%4dx%4d: %4.0f GFLOPS, %.1f mallocs/call (%.1f large)\n", in, out, kinds[kind], M, N, K,
                   2.0 * M * N * K * reps / sec / 1e9, (double)(counted - before) / reps, (double)(big - bigBefore) / reps);
        }
    }
    printf("all calls: %.0f GFLOPS\n", totalFlops / totalSeconds / 1e9);
    return 0;
}

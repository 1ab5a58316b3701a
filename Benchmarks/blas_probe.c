// `make bench-blas`: sgemm GFLOPS and heap allocations per call, on the calls of the mlp
// training step's linear layers, for whichever CBLAS this is linked with (OpenBLAS or BLIS; see the
// Makefile). malloc is wrapped here to count every call the library makes, from any thread.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cblas.h>
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
#endif
int main(int argc, char **argv) {
    int m = 1024, k = 1024, n = 1024;
#ifdef OPENBLAS
    openblas_set_num_threads((int)sysconf(_SC_NPROCESSORS_ONLN));
#endif
    float *a = aligned_alloc(64, sizeof(float) * m * k * 4), *b = aligned_alloc(64, sizeof(float) * k * n * 4), *c = aligned_alloc(64, sizeof(float) * m * n * 4);
    for (int i = 0; i < m * k; i++) a[i] = (float)(i % 7) / 7;
    for (int i = 0; i < k * n; i++) b[i] = (float)(i % 5) / 5;
    // The calls of the mlp step's linear layers (512 views), as Linear makes them: forward
    // x·Wᵀ (B transposed), weight gradient dyᵀ·x added into the gradient (A transposed,
    // beta 1), input gradient dy·W.
    int layers[][2] = {{784,1024},{1024,512},{512,1024},{1024,128},{128,1024}};
    const char *kinds[] = {"forward x·Wt", "weight grad dyt·x", "input grad dy·W"};
    int batch = 512;
    double totalFlops = 0, totalSeconds = 0;
    for (int s = 0; s < 5; s++) {
        int in = layers[s][0], out = layers[s][1];
        for (int kind = 0; kind < 3; kind++) {
            // (transA, transB, m, n, k, lda, ldb, ldc, beta)
            int ta = kind == 1, tb = kind == 0;
            int M = kind == 1 ? out : batch, N = kind == 1 ? in : (kind == 0 ? out : in), K = kind == 1 ? batch : (kind == 0 ? in : out);
            int lda = ta ? M : K, ldb = tb ? K : N;
            float beta = kind == 1 ? 1 : 0;
            for (int w = 0; w < 3; w++)
                cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1, a, lda, b, ldb, beta, c, N);
            long before = counted, bigBefore = big;
            struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
            int reps = 40;
            for (int r = 0; r < reps; r++)
                cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1, a, lda, b, ldb, beta, c, N);
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

// `make bench-blas`: sgemm GFLOPS and heap allocations per call, on the matrix shapes of the
// mlp training step, for whichever CBLAS this is linked with (OpenBLAS or BLIS; see the
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
    int m = 512, k = 784, n = 1024;
#ifdef OPENBLAS
    openblas_set_num_threads((int)sysconf(_SC_NPROCESSORS_ONLN));
#endif
    float *a = aligned_alloc(64, sizeof(float) * m * k * 4), *b = aligned_alloc(64, sizeof(float) * k * n * 4), *c = aligned_alloc(64, sizeof(float) * m * n * 4);
    for (int i = 0; i < m * k; i++) a[i] = (float)(i % 7) / 7;
    for (int i = 0; i < k * n; i++) b[i] = (float)(i % 5) / 5;
    int shapes[][3] = {{512,784,1024},{512,1024,512},{512,512,1024},{512,1024,128},{1024,512,512},{784,512,1024}};
    // Forward, input-gradient and weight-gradient shapes of the mlp step (512 views).
    for (int s = 0; s < 6; s++) {
        m = shapes[s][0]; k = shapes[s][1]; n = shapes[s][2];
        for (int w = 0; w < 3; w++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
        long before = counted, bigBefore = big;
        struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
        int reps = 50;
        for (int r = 0; r < reps; r++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double sec = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("%dx%dx%d: %.0f GFLOPS, %.1f mallocs/call (%.1f large)\n", m, k, n, 2.0 * m * n * k * reps / sec / 1e9, (double)(counted - before) / reps, (double)(big - bigBefore) / reps);
    }
    return 0;
}

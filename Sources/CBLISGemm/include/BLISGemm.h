// BLIS's products through its expert interface, so that each call can choose between BLIS's
// two code paths (used only in the BLIS build; Package.swift). Not API.
#ifndef WORKBENCH_BLIS_GEMM_H
#define WORKBENCH_BLIS_GEMM_H
#include <stdint.h>

/// A row-major product with CKernels' wb_gemm_fn signature (the shape wb_parallel_gemm calls
/// once per part). BLIS sends a product with m < 512, n < 200 or k < 240 down its
/// small-matrix ("sup") path. With BLIS 0.9's zen3 kernels on this Zen 4 machine that path
/// runs at half the packed path's speed when C is 1,024 columns wide (512×1024×128,
/// 128×1024×512, 256×1024×784: 50 against 80–100 GFLOPS per core), at the same speed at 512
/// columns, and faster below (the convolution's 50176×288×64: 104 against 93). Timed inside
/// the step, the mlp's long 128-wide products (512×128×1024 with B transposed, 128×1024×512
/// and 1024×128×512 with A transposed, in halves on two threads) were slower on it too. So a
/// product 1,024 or more columns wide, or with k ≥ 512 and C at least 128 on its short side
/// and 512 on its long side or k ≥ 1,024, is kept on the packed path; the rest is left to BLIS.
void wb_blis_sgemm(int transA, int transB, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                   float *c, int64_t ldc);

/// The BLIS sub-configuration the workbench selects on this CPU (through BLIS_ARCH_TYPE, before
/// BLIS initialises), or NULL where BLIS's own choice stands. BLIS 0.9 (Debian 12) knows AMD
/// CPUs up to family 0x19 and runs a newer one (Zen 5, family 0x1A) on its generic reference
/// kernels, about 5× slower on the training step; there the AVX-512 kernels (skx) are chosen
/// when the CPU has AVX-512 F, DQ, BW and VL, else the AVX2 ones (haswell). A BLIS_ARCH_TYPE
/// already in the environment is left alone.
const char *wb_blis_kernel_for_this_cpu(void);

#endif

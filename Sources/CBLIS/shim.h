// BLIS's CBLAS interface (Debian's libblis-serial-dev, the single-threaded build: the
// workbench splits products over its own threads, and BLIS's OpenMP build would open a nested
// parallel region, one allocation, in every call; the header lives in a subfolder of the
// multiarch include path, the library in one of the library path that Package.swift adds),
// and its thread control under the names TensorCore uses for either BLAS (Sources/COpenBLAS
// has the same functions). Not API.
#ifndef WORKBENCH_BLIS_SHIM_H
#define WORKBENCH_BLIS_SHIM_H
#include <stdint.h>
#include <blis-serial/cblas.h>

// From blis.h, which is too large to import whole: dim_t is int64_t on 64-bit targets,
// arch_t an enum.
int64_t bli_thread_get_num_threads(void);
void bli_thread_set_num_threads(int64_t value);
int bli_arch_query_id(void);
char *bli_arch_string(int id);
void bli_init(void);

static inline const char *wb_blas_library(void) { return "BLIS"; }
// BLIS initialised first: with BLIS_ARCH_TYPE set (BLISKernelChoice.c), asking for the
// configuration before BLIS has registered its kernels aborts the process.
static inline const char *wb_blas_kernel(void) {
    bli_init();
    return bli_arch_string(bli_arch_query_id());
}
static inline void wb_blas_set_threads(int count) { bli_thread_set_num_threads(count); }
#include "../CBLASCommon/wb_sgemm.h"
#endif

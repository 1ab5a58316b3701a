// OpenBLAS's CBLAS interface, and its thread control under the names TensorCore uses for
// either BLAS (Sources/CBLIS has the same functions). Not API.
#ifndef WORKBENCH_OPENBLAS_SHIM_H
#define WORKBENCH_OPENBLAS_SHIM_H
#include <cblas.h>

static inline const char *wb_blas_library(void) { return "OpenBLAS"; }
static inline const char *wb_blas_kernel(void) { return openblas_get_corename(); }
static inline void wb_blas_set_threads(int count) { openblas_set_num_threads(count); }
#include "../CBLASCommon/wb_sgemm.h"
#endif

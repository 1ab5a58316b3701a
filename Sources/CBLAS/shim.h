// OpenBLAS's CBLAS interface plus its thread-count control. Not API.
#ifndef WORKBENCH_CBLAS_SHIM_H
#define WORKBENCH_CBLAS_SHIM_H
#include <cblas.h>
#endif

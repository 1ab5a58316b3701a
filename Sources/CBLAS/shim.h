// OpenBLAS's CBLAS interface, its thread-count control and one LAPACK routine. Not API.
#ifndef WORKBENCH_CBLAS_SHIM_H
#define WORKBENCH_CBLAS_SHIM_H
#include <cblas.h>

/// LAPACK's symmetric eigensolver (divide and conquer), which OpenBLAS carries but whose
/// header Debian does not ship with it.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
#endif

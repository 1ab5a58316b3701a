// Level-1 loops where the BLAS's own are slow for this project's short vectors. Not API.
#ifndef WORKBENCH_VECTOR_KERNELS_H
#define WORKBENCH_VECTOR_KERNELS_H
#include <stdint.h>

/// ‖x‖ over `n` floats, summed in 16 float lanes and then in double. BLIS's snrm2 rescales
/// as it goes to survive values near the float limits and takes 1.3 µs for 512 values (16×
/// OpenBLAS's); the rows normalised here (representations, activations) are nowhere near
/// them: squares overflow only beyond 1.8 · 10¹⁹.
float wb_norm(const float *x, int64_t n);
#endif

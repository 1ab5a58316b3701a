// The parameter updates after every step: SGD with momentum and the moving average of the
// momentum networks, one fused pass each over a parameter's values (the BLAS's scale + axpy
// read the target twice), vectorised and split over wb_kernel_threads(). Elementwise, so
// results do not depend on the thread count. Not API; Trainer's SGD and MovingAverage call them.
#ifndef WORKBENCH_OPTIMIZER_KERNELS_H
#define WORKBENCH_OPTIMIZER_KERNELS_H
#include <stdint.h>

/// v ← momentum · v + g + decay · w, then w ← w − rate · v, over `n` values.
void wb_sgd_momentum(float *w, const float *g, float *v, int64_t n, float momentum, float decay, float rate);

/// t ← momentum · t + (1 − momentum) · o, over `n` values.
void wb_moving_average(float *t, const float *o, int64_t n, float momentum);
#endif

// The elementwise and per-channel loops of the layers (ReLU, BatchNorm with an optional fused
// ReLU, 2×2 max pooling, the 3×3 convolution's patch gathering), in C so that they vectorise
// without aliasing doubts and run the widest vector unit present (compiled for AVX-512, AVX2
// and baseline x86-64, chosen when the program loads), split over wb_kernel_threads() threads
// of the OpenMP runtime (libgomp; the pool the matrix products are split over too). Sums are
// combined in a fixed order, so results do not depend on the number of cores. Tensors are row-major with the channel last: `rows` rows of `c`
// channels. Not API; Trainer's layers are the callers.
#ifndef WORKBENCH_LAYER_KERNELS_H
#define WORKBENCH_LAYER_KERNELS_H
#include <stdint.h>

/// Sets how many threads the kernels below split their loops over (at least 1; 1 until set).
/// TensorCore's BLAS.setThreadCount sets it together with the BLAS's.
void wb_set_kernel_threads(int count);

/// The number of threads the kernels use.
int wb_kernel_threads(void);

/// y = max(x, 0) over `n` values (NaN stays NaN).
void wb_relu_forward(const float *x, float *y, int64_t n);

/// dx = dy where the forward output y > 0, else 0, over `n` values.
void wb_relu_backward(const float *y, const float *dy, float *dx, int64_t n);

/// Doubles of scratch the BatchNorm kernels need for `c` channels.
int64_t wb_batchnorm_work_size(int64_t c);

/// Per-channel mean and biased variance of `rows` rows, in one pass over x: sums of x − k and
/// (x − k)² with k the first row (near the mean, so the variance does not cancel), in float
/// over blocks of rows and added up in double, so that 400,000 rows lose no precision.
void wb_batchnorm_statistics(const float *x, int64_t rows, int64_t c, float *mean, float *variance,
                             double *work);

/// y = scale · x̂ + shift with x̂ = (x − mean) · inverse_std, then max(y, 0) when `relu` is
/// non-zero. x̂ is not stored: the backward kernels recompute it from x.
void wb_batchnorm_apply(const float *x, int64_t rows, int64_t c, const float *mean, const float *inverse_std,
                        const float *scale, const float *shift, int relu, float *y);

/// Per-channel Σ g and Σ g · x̂ over the rows (x̂ recomputed from the forward's x, mean and
/// inverse_std), where g is the gradient reaching the normalisation: dy itself, or with
/// `relu` dy where scale · x̂ + shift > 0 and 0 elsewhere.
void wb_batchnorm_gradient_sums(const float *dy, const float *x, const float *mean, const float *inverse_std,
                                int64_t rows, int64_t c, const float *scale, const float *shift, int relu,
                                float *sum_g, float *sum_g_normalised, double *work);

/// dx = scale · inverse_std · (g − mean_g − x̂ · mean_g_normalised), g and x̂ as above; with
/// zero means this is the evaluation-mode gradient scale · inverse_std · g.
void wb_batchnorm_input_gradient(const float *dy, const float *x, const float *mean, const float *inverse_std,
                                 int64_t rows, int64_t c, const float *scale, const float *shift, int relu,
                                 const float *mean_g, const float *mean_g_normalised, float *dx);

/// 2×2 max pooling, stride 2, on [batch, h, w, c] (h and w even): y holds the maxima and
/// `winner` which of the four (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; the
/// first on ties).
void wb_maxpool2x2_forward(const float *x, int64_t batch, int64_t h, int64_t w, int64_t c, float *y,
                           uint8_t *winner);

/// The gradient of the pooling: each input position gets dy of its window when it was the
/// winner, else 0 (every input position is written, so dx needs no clearing).
void wb_maxpool2x2_backward(const float *dy, const uint8_t *winner, int64_t batch, int64_t h, int64_t w,
                            int64_t c, float *dx);

/// im2col of `images` images of [h, w, c] starting at `x`: one row of 9·c values per pixel, in
/// reading order, holding its 3×3 neighbourhood (tap (ky, kx) at (3·ky + kx)·c, zero outside
/// the image, padding 1).
void wb_im2col_3x3(const float *x, int64_t images, int64_t h, int64_t w, int64_t c, float *columns);

/// col2im, the adjoint: dx (the `images` images at `dx`) = the sum over pixels of their
/// column rows put back where im2col took them. dx is overwritten, not added to.
void wb_col2im_3x3(const float *columns, int64_t images, int64_t h, int64_t w, int64_t c, float *dx);

// The first convolution of the convnet sees one input channel: its patches have nine values,
// too few for a matrix product to pay for itself, so it is computed directly.
/// Floats of scratch the direct single-channel convolution needs for `outputs` channels.
int64_t wb_conv3x3_single_work_size(int64_t outputs);

/// y[pixel, o] = Σ over the 3×3 taps t of weight[o, t] · x[neighbour t] (zero padding) for
/// `images` one-channel images of h × w; weight is [outputs, 9], y [images, h, w, outputs].
void wb_conv3x3_single_forward(const float *x, int64_t images, int64_t h, int64_t w, const float *weight,
                               int64_t outputs, float *y, float *work);

/// weight_gradient[o, t] += Σ over pixels of dy[pixel, o] · x[neighbour t], summed part by
/// part in a fixed order.
void wb_conv3x3_single_weight_gradient(const float *x, const float *dy, int64_t images, int64_t h, int64_t w,
                                       int64_t outputs, float *weight_gradient, float *work);
#endif

// Elementwise and per-channel layer loops (see LayerKernels.h): each is a range body, compiled
// for three vector widths, run over parts of its rows by wb_parallel_for.
#include "LayerKernels.h"
#include "Parallel.h"

/// One body compiled three times; the loader picks the widest the CPU runs.
#define WB_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
/// Rows summed in float before the block's sums join the double totals.
#define WB_BLOCK_ROWS 64
/// Smallest share of a loop worth handing to another thread, in floats touched.
#define WB_GRAIN (1 << 15)

/// Rows per part so that each part touches at least WB_GRAIN values.
static int row_parts(int64_t rows, int64_t c) {
    int64_t grain = WB_GRAIN / (c > 0 ? c : 1);
    return wb_parts(rows, grain > 0 ? grain : 1);
}

// MARK: ReLU

/// Forward: in = x, out = y. Backward: in = the forward's output, dy, out = dx.
typedef struct { const float *in, *dy; float *out; } ReLUJob;

WB_VECTOR_CLONES static void relu_forward_range(void *context, int64_t begin, int64_t end, int part) {
    const ReLUJob *job = context;
    const float *restrict x = job->in;
    float *restrict y = job->out;
    for (int64_t i = begin; i < end; i++) y[i] = x[i] < 0 ? 0 : x[i];
}

WB_VECTOR_CLONES static void relu_backward_range(void *context, int64_t begin, int64_t end, int part) {
    const ReLUJob *job = context;
    const float *restrict y = job->in, *restrict dy = job->dy;
    float *restrict dx = job->out;
    for (int64_t i = begin; i < end; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

void wb_relu_forward(const float *x, float *y, int64_t n) {
    ReLUJob job = {x, 0, y};
    wb_parallel_for(n, wb_parts(n, WB_GRAIN), relu_forward_range, &job);
}

void wb_relu_backward(const float *y, const float *dy, float *dx, int64_t n) {
    ReLUJob job = {y, dy, dx};
    wb_parallel_for(n, wb_parts(n, WB_GRAIN), relu_backward_range, &job);
}

// MARK: BatchNorm

/// Per part: two channel totals in double, then two channel block sums in float.
int64_t wb_batchnorm_work_size(int64_t c) { return WB_MAX_PARTS * 3 * (c > 0 ? c : 1); }

typedef struct {
    const float *x, *dy, *mean, *inverse_std, *scale, *shift, *mean_g, *mean_g_normalised;
    float *y, *dx;
    int64_t c;
    int relu, pass;
    double *work;
} BatchNormJob;

/// The gradient reaching the normalisation, through the fused ReLU when there is one.
static inline float through_relu(float dy, float normalised, float scale, float shift, int relu) {
    return relu && !(scale * normalised + shift > 0) ? 0 : dy;
}

/// A part's per-channel sums: pass 0 Σ(x − k) and Σ(x − k)² with k = `mean` (the first row:
/// a value near the mean keeps the variance from cancelling), pass 2 Σg and Σg·x̂ with
/// x̂ = (x − mean) · inverse_std recomputed from the input.
WB_VECTOR_CLONES static void batchnorm_sums_range(void *context, int64_t begin, int64_t end, int part) {
    const BatchNormJob *job = context;
    const int64_t c = job->c;
    double *restrict total = job->work + part * 3 * c, *restrict total2 = total + c;
    float *restrict sum = (float *)(total + 2 * c), *restrict sum2 = sum + c;
    const float *restrict scale = job->scale, *restrict shift = job->shift, *restrict mean = job->mean;
    const float *restrict inverse_std = job->inverse_std;
    for (int64_t j = 0; j < c; j++) { total[j] = 0; total2[j] = 0; }
    for (int64_t r0 = begin; r0 < end; r0 += WB_BLOCK_ROWS) {
        int64_t r1 = end - r0 < WB_BLOCK_ROWS ? end : r0 + WB_BLOCK_ROWS;
        for (int64_t j = 0; j < c; j++) { sum[j] = 0; sum2[j] = 0; }
        for (int64_t r = r0; r < r1; r++) {
            const float *restrict row = job->x + r * c;
            if (job->pass == 0) {
                for (int64_t j = 0; j < c; j++) {
                    float d = row[j] - mean[j];
                    sum[j] += d;
                    sum2[j] += d * d;
                }
            } else {
                const float *restrict d = job->dy + r * c;
                for (int64_t j = 0; j < c; j++) {
                    float n = (row[j] - mean[j]) * inverse_std[j];
                    float g = through_relu(d[j], n, scale[j], shift[j], job->relu);
                    sum[j] += g;
                    sum2[j] += g * n;
                }
            }
        }
        for (int64_t j = 0; j < c; j++) { total[j] += sum[j]; total2[j] += sum2[j]; }
    }
}

/// Runs one summing pass and leaves the totals over all parts, in part order, in work[0, 2c).
static void batchnorm_sums(BatchNormJob *job, int64_t rows) {
    const int64_t c = job->c;
    int parts = row_parts(rows, c);
    wb_parallel_for(rows, parts, batchnorm_sums_range, job);
    for (int part = 1; part < parts; part++) {
        const double *other = job->work + part * 3 * c;
        for (int64_t j = 0; j < 2 * c; j++) job->work[j] += other[j];
    }
}

void wb_batchnorm_statistics(const float *x, int64_t rows, int64_t c, float *mean, float *variance,
                             double *work) {
    if (rows <= 0) {
        for (int64_t j = 0; j < c; j++) { mean[j] = 0; variance[j] = 0; }
        return;
    }
    for (int64_t j = 0; j < c; j++) mean[j] = x[j];  // the shift k: the first row
    BatchNormJob job = {.x = x, .mean = mean, .c = c, .pass = 0, .work = work};
    batchnorm_sums(&job, rows);
    for (int64_t j = 0; j < c; j++) {
        double offset = work[j] / (double)rows, square = work[c + j] / (double)rows;
        double spread = square - offset * offset;
        variance[j] = spread > 0 ? (float)spread : 0;
        mean[j] = (float)((double)mean[j] + offset);
    }
}

WB_VECTOR_CLONES static void batchnorm_apply_range(void *context, int64_t begin, int64_t end, int part) {
    const BatchNormJob *job = context;
    const int64_t c = job->c;
    const float *restrict mean = job->mean, *restrict inverse_std = job->inverse_std;
    const float *restrict scale = job->scale, *restrict shift = job->shift;
    for (int64_t r = begin; r < end; r++) {
        const float *restrict in = job->x + r * c;
        float *restrict out = job->y + r * c;
        for (int64_t j = 0; j < c; j++) {
            float value = (in[j] - mean[j]) * inverse_std[j];
            float v = scale[j] * value + shift[j];
            out[j] = job->relu && v < 0 ? 0 : v;
        }
    }
}

void wb_batchnorm_apply(const float *x, int64_t rows, int64_t c, const float *mean, const float *inverse_std,
                        const float *scale, const float *shift, int relu, float *y) {
    BatchNormJob job = {.x = x, .mean = mean, .inverse_std = inverse_std, .scale = scale, .shift = shift,
                        .relu = relu, .y = y, .c = c};
    wb_parallel_for(rows, row_parts(rows, c), batchnorm_apply_range, &job);
}

void wb_batchnorm_gradient_sums(const float *dy, const float *x, const float *mean, const float *inverse_std,
                                int64_t rows, int64_t c, const float *scale, const float *shift, int relu,
                                float *sum_g, float *sum_g_normalised, double *work) {
    BatchNormJob job = {.dy = dy, .x = x, .mean = mean, .inverse_std = inverse_std, .scale = scale,
                        .shift = shift, .relu = relu, .c = c, .pass = 2, .work = work};
    batchnorm_sums(&job, rows);
    for (int64_t j = 0; j < c; j++) { sum_g[j] = (float)work[j]; sum_g_normalised[j] = (float)work[c + j]; }
}

WB_VECTOR_CLONES static void batchnorm_gradient_range(void *context, int64_t begin, int64_t end, int part) {
    const BatchNormJob *job = context;
    const int64_t c = job->c;
    const float *restrict scale = job->scale, *restrict shift = job->shift, *restrict inverse_std = job->inverse_std;
    const float *restrict mean_g = job->mean_g, *restrict mean_gn = job->mean_g_normalised;
    const float *restrict mean = job->mean;
    for (int64_t r = begin; r < end; r++) {
        const float *restrict d = job->dy + r * c, *restrict x = job->x + r * c;
        float *restrict out = job->dx + r * c;
        for (int64_t j = 0; j < c; j++) {
            float n = (x[j] - mean[j]) * inverse_std[j];
            float g = through_relu(d[j], n, scale[j], shift[j], job->relu);
            out[j] = scale[j] * inverse_std[j] * (g - mean_g[j] - n * mean_gn[j]);
        }
    }
}

void wb_batchnorm_input_gradient(const float *dy, const float *x, const float *mean, const float *inverse_std,
                                 int64_t rows, int64_t c, const float *scale, const float *shift, int relu,
                                 const float *mean_g, const float *mean_g_normalised, float *dx) {
    BatchNormJob job = {.dy = dy, .x = x, .mean = mean, .scale = scale, .shift = shift, .relu = relu,
                        .inverse_std = inverse_std, .mean_g = mean_g, .mean_g_normalised = mean_g_normalised,
                        .dx = dx, .c = c};
    wb_parallel_for(rows, row_parts(rows, c), batchnorm_gradient_range, &job);
}

// MARK: Max pooling

/// Forward: in = x [.., h, w, c], out = y. Backward: in = dy (pooled), out = dx [.., h, w, c].
typedef struct { const float *in; float *out; uint8_t *winner; int64_t h, w, c; } PoolJob;

/// Output rows [begin, end) (an output row is one image row of the pooled image).
WB_VECTOR_CLONES static void maxpool_forward_range(void *context, int64_t begin, int64_t end, int part) {
    const PoolJob *job = context;
    const int64_t w = job->w, c = job->c, ow = w / 2;
    for (int64_t row = begin; row < end; row++)
        for (int64_t ox = 0; ox < ow; ox++) {
            const float *restrict a = job->in + (2 * row * w + 2 * ox) * c;
            const float *restrict b = a + c, *restrict p = a + w * c, *restrict q = p + c;
            float *restrict y = job->out + (row * ow + ox) * c;
            uint8_t *restrict winner = job->winner + (row * ow + ox) * c;
            for (int64_t j = 0; j < c; j++) {
                float best = a[j];
                uint8_t index = 0;
                if (b[j] > best) { best = b[j]; index = 1; }
                if (p[j] > best) { best = p[j]; index = 2; }
                if (q[j] > best) { best = q[j]; index = 3; }
                y[j] = best;
                winner[j] = index;
            }
        }
}

WB_VECTOR_CLONES static void maxpool_backward_range(void *context, int64_t begin, int64_t end, int part) {
    const PoolJob *job = context;
    const int64_t w = job->w, c = job->c, ow = w / 2;
    for (int64_t row = begin; row < end; row++)
        for (int64_t ox = 0; ox < ow; ox++) {
            float *restrict a = job->out + (2 * row * w + 2 * ox) * c;
            float *restrict b = a + c, *restrict p = a + w * c, *restrict q = p + c;
            const float *restrict dy = job->in + (row * ow + ox) * c;
            const uint8_t *restrict winner = job->winner + (row * ow + ox) * c;
            for (int64_t j = 0; j < c; j++) {
                float g = dy[j];
                uint8_t k = winner[j];
                a[j] = k == 0 ? g : 0;
                b[j] = k == 1 ? g : 0;
                p[j] = k == 2 ? g : 0;
                q[j] = k == 3 ? g : 0;
            }
        }
}

void wb_maxpool2x2_forward(const float *x, int64_t batch, int64_t h, int64_t w, int64_t c, float *y,
                           uint8_t *winner) {
    PoolJob job = {x, y, winner, h, w, c};
    int64_t rows = batch * (h / 2);
    wb_parallel_for(rows, row_parts(rows, 2 * w * c), maxpool_forward_range, &job);
}

void wb_maxpool2x2_backward(const float *dy, const uint8_t *winner, int64_t batch, int64_t h, int64_t w,
                            int64_t c, float *dx) {
    PoolJob job = {dy, dx, (uint8_t *)winner, h, w, c};
    int64_t rows = batch * (h / 2);
    wb_parallel_for(rows, row_parts(rows, 2 * w * c), maxpool_backward_range, &job);
}

// MARK: Convolution patches

typedef struct { const float *source; float *target; int64_t h, w, c; } PatchJob;

/// Images [begin, end) of both directions, one loop nest: for every pixel p and tap t, the
/// neighbour q = p + offset(t). im2col writes row p, tap t = image[q] (0 outside); col2im,
/// gathered per input pixel so that every dx value is written once, adds to dx[p] the value
/// row q took from p: tap 8 − t (the opposite offset).
static inline __attribute__((always_inline))
void patches_range(const PatchJob *job, int64_t begin, int64_t end, int adjoint) {
    const int64_t h = job->h, w = job->w, c = job->c, patch = 9 * c;
    for (int64_t n = begin; n < end; n++) {
        const float *source = job->source + n * h * w * (adjoint ? patch : c);
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++) {
                int64_t p = (n * h + y) * w + x;
                float *restrict out = job->target + p * (adjoint ? c : patch);
                if (adjoint) for (int64_t j = 0; j < c; j++) out[j] = 0;
                for (int64_t t = 0; t < 9; t++) {
                    int64_t sy = y + t / 3 - 1, sx = x + t % 3 - 1;
                    int inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                    if (adjoint) {
                        if (!inside) continue;
                        const float *restrict in = source + (sy * w + sx) * patch + (8 - t) * c;
                        for (int64_t j = 0; j < c; j++) out[j] += in[j];
                    } else if (inside) {
                        const float *restrict in = source + (sy * w + sx) * c;
                        for (int64_t j = 0; j < c; j++) out[t * c + j] = in[j];
                    } else {
                        for (int64_t j = 0; j < c; j++) out[t * c + j] = 0;
                    }
                }
            }
    }
}

WB_VECTOR_CLONES static void im2col_range(void *context, int64_t begin, int64_t end, int part) {
    patches_range(context, begin, end, 0);
}

WB_VECTOR_CLONES static void col2im_range(void *context, int64_t begin, int64_t end, int part) {
    patches_range(context, begin, end, 1);
}

void wb_im2col_3x3(const float *x, int64_t images, int64_t h, int64_t w, int64_t c, float *columns) {
    PatchJob job = {x, columns, h, w, c};
    wb_parallel_for(images, row_parts(images, 9 * h * w * c), im2col_range, &job);
}

void wb_col2im_3x3(const float *columns, int64_t images, int64_t h, int64_t w, int64_t c, float *dx) {
    PatchJob job = {columns, dx, h, w, c};
    wb_parallel_for(images, row_parts(images, 9 * h * w * c), col2im_range, &job);
}

// MARK: Direct single-channel convolution

int64_t wb_conv3x3_single_work_size(int64_t outputs) { return WB_MAX_PARTS * 9 * (outputs > 0 ? outputs : 1); }

typedef struct { const float *x, *dy; float *y, *work; int64_t h, w, outputs; } DirectJob;

/// The nine values around pixel (y, x) of one image, zero outside.
static inline void neighbourhood(const float *image, int64_t h, int64_t w, int64_t y, int64_t x, float v[9]) {
    for (int64_t ky = 0; ky < 3; ky++)
        for (int64_t kx = 0; kx < 3; kx++) {
            int64_t sy = y + ky - 1, sx = x + kx - 1;
            v[ky * 3 + kx] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : image[sy * w + sx];
        }
}

/// Images [begin, end) of either direction, one loop nest over pixels and their nine values v.
/// Forward: y[pixel] = Σ_t taps[t] · v[t], `work` holding the weights transposed to [9,
/// outputs]. Gradient: the part's Σ dy[pixel] ⊗ v into its own [9, outputs] block of `work`.
static inline __attribute__((always_inline))
void direct_range(const DirectJob *job, int64_t begin, int64_t end, int part, int gradient) {
    const int64_t h = job->h, w = job->w, outputs = job->outputs;
    float *restrict block = job->work + (gradient ? part * 9 * outputs : 0);
    if (gradient) for (int64_t i = 0; i < 9 * outputs; i++) block[i] = 0;
    for (int64_t n = begin; n < end; n++) {
        const float *image = job->x + n * h * w;
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++) {
                float v[9];
                neighbourhood(image, h, w, y, x, v);
                int64_t p = (n * h + y) * w + x;
                if (gradient) {
                    const float *restrict dy = job->dy + p * outputs;
                    for (int t = 0; t < 9; t++)
                        for (int64_t o = 0; o < outputs; o++) block[t * outputs + o] += dy[o] * v[t];
                } else {
                    float *restrict out = job->y + p * outputs;
                    for (int64_t o = 0; o < outputs; o++) {
                        float sum = 0;
                        for (int t = 0; t < 9; t++) sum += block[t * outputs + o] * v[t];
                        out[o] = sum;
                    }
                }
            }
    }
}

WB_VECTOR_CLONES static void direct_forward_range(void *context, int64_t begin, int64_t end, int part) {
    direct_range(context, begin, end, part, 0);
}

WB_VECTOR_CLONES static void direct_gradient_range(void *context, int64_t begin, int64_t end, int part) {
    direct_range(context, begin, end, part, 1);
}

void wb_conv3x3_single_forward(const float *x, int64_t images, int64_t h, int64_t w, const float *weight,
                               int64_t outputs, float *y, float *work) {
    for (int64_t o = 0; o < outputs; o++)
        for (int t = 0; t < 9; t++) work[t * outputs + o] = weight[o * 9 + t];
    DirectJob job = {.x = x, .y = y, .work = work, .h = h, .w = w, .outputs = outputs};
    wb_parallel_for(images, wb_parts(images, 8), direct_forward_range, &job);
}

void wb_conv3x3_single_weight_gradient(const float *x, const float *dy, int64_t images, int64_t h, int64_t w,
                                       int64_t outputs, float *weight_gradient, float *work) {
    DirectJob job = {.x = x, .dy = dy, .work = work, .h = h, .w = w, .outputs = outputs};
    int parts = wb_parts(images, 8);
    wb_parallel_for(images, parts, direct_gradient_range, &job);
    for (int64_t o = 0; o < outputs; o++)
        for (int t = 0; t < 9; t++) {
            double total = 0;
            for (int part = 0; part < parts; part++) total += work[part * 9 * outputs + t * outputs + o];
            weight_gradient[o * 9 + t] += (float)total;
        }
}

// The contrastive losses' row softmax (see ContrastiveKernels.h).
#include "ContrastiveKernels.h"
#include "LayerKernels.h"
#include "Parallel.h"
#include <math.h>
#include <string.h>

/// exp(x) as 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln 2 / 2, e^r from Cephes' expf
/// polynomial (relative error ~1.5e-7); written without calls or branches so that the
/// loops around it vectorise. exp(x) for x below −87.3 (where float exp leaves the normal
/// range) is 0, exp(−∞) too; NaN stays NaN.
static inline float exp_approx(float x) {
    const float log2e = 1.44269504088896341f, ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    float clamped = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
    float n = __builtin_rintf(clamped * log2e);
    float r = clamped - n * ln2_hi - n * ln2_lo;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float e = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float y = e * scale;
    y = x < -87.3f ? 0.0f : y;
    return x != x ? x : y;
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static float exp_shifted_sum(float *restrict row, int64_t columns, float shift) {
    float lanes[16] = {0};
    int64_t j = 0;
    for (; j + 16 <= columns; j += 16)
        for (int l = 0; l < 16; l++) {
            float e = exp_approx(row[j + l] - shift);
            row[j + l] = e;
            lanes[l] += e;
        }
    float total = 0;
    for (; j < columns; j++) {
        row[j] = exp_approx(row[j] - shift);
        total += row[j];
    }
    for (int l = 0; l < 16; l++) total += lanes[l];
    return total;
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static float row_maximum(const float *restrict row, int64_t columns) {
    float lanes[16];
    for (int l = 0; l < 16; l++) lanes[l] = -INFINITY;
    int64_t j = 0;
    for (; j + 16 <= columns; j += 16)
        for (int l = 0; l < 16; l++) lanes[l] = row[j + l] > lanes[l] ? row[j + l] : lanes[l];
    float best = -INFINITY;
    for (; j < columns; j++) best = row[j] > best ? row[j] : best;
    for (int l = 0; l < 16; l++) best = lanes[l] > best ? lanes[l] : best;
    return best;
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void scale_row(float *restrict row, int64_t columns, float factor) {
    for (int64_t j = 0; j < columns; j++) row[j] *= factor;
}

/// Σ of row[j] over columns whose label is `label` (the positive and excluded columns are
/// taken out by the caller), in 16 lanes like the sums above.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static float same_label_sum(const float *restrict row, int64_t columns, const long *restrict labels, long label) {
    float lanes[16] = {0};
    int64_t j = 0;
    for (; j + 16 <= columns; j += 16)
        for (int l = 0; l < 16; l++) lanes[l] += labels[j + l] == label ? row[j + l] : 0.0f;
    float total = 0;
    for (; j < columns; j++) total += labels[j] == label ? row[j] : 0.0f;
    for (int l = 0; l < 16; l++) total += lanes[l];
    return total;
}

typedef struct {
    float *x;
    int64_t columns, ld;
    const int32_t *positive, *excluded;
    const long *row_labels, *column_labels;
    double *loss, *share;
} SoftmaxJob;

static void softmax_rows(void *context, int64_t begin, int64_t end, int part) {
    (void)part;
    const SoftmaxJob *job = context;
    for (int64_t i = begin; i < end; i++) {
        float *row = job->x + i * job->ld;
        int64_t positive = job->positive[i], excluded = job->excluded ? job->excluded[i] : -1;
        float positiveLogit = row[positive];
        if (excluded >= 0) row[excluded] = -INFINITY;
        float maximum = row_maximum(row, job->columns);
        float sum = exp_shifted_sum(row, job->columns, maximum);
        job->loss[i] = (double)maximum + log((double)sum) - (double)positiveLogit;
        if (job->row_labels && job->column_labels && job->share) {
            long label = job->row_labels[i];
            float negative = sum - row[positive] - (excluded >= 0 ? row[excluded] : 0.0f);
            float same = same_label_sum(row, job->columns, job->column_labels, label);
            if (job->column_labels[positive] == label) same -= row[positive];
            if (excluded >= 0 && job->column_labels[excluded] == label) same -= row[excluded];
            job->share[i] = negative > 0 ? (double)(same / negative) : 0.0;
        }
        scale_row(row, job->columns, 1.0f / sum);
        row[positive] -= 1.0f;
    }
}

void wb_contrastive_softmax(float *x, int64_t rows, int64_t columns, int64_t ld,
                            const int32_t *positive, const int32_t *excluded,
                            const long *row_labels, const long *column_labels,
                            double *loss, double *share) {
    if (rows <= 0) return;
    SoftmaxJob job = {x, columns, ld, positive, excluded, row_labels, column_labels, loss, share};
    int parts = wb_parts(rows * columns, 1 << 15);
    wb_parallel_for(rows, parts < rows ? parts : (int)rows, softmax_rows, &job);
}

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void wb_exp(const float *restrict x, float *restrict out, int64_t count) {
    for (int64_t i = 0; i < count; i++) out[i] = exp_approx(x[i]);
}

// The truncated triplet loss's anchors (see TripletKernels.h).
#include "TripletKernels.h"
#include "Parallel.h"

static inline float maximum(float a, float b) { return a > b ? a : b; }
static inline float minimum(float a, float b) { return a < b ? a : b; }

void wb_select_largest(const float *keys, int32_t *indices, int64_t count, int64_t largest) {
    if (largest <= 0 || largest >= count) return;
    int64_t low = 0, high = count - 1;
    const int64_t target = largest - 1;  // the position that must hold the largest-th largest
    while (low < high) {
        // Median of three as the pivot keeps sorted input from degrading the search.
        int64_t middle = low + (high - low) / 2;
        float a = keys[indices[low]], b = keys[indices[middle]], c = keys[indices[high]];
        float pivot = maximum(minimum(a, b), minimum(maximum(a, b), c));
        int64_t i = low, j = high;
        while (i <= j) {
            while (keys[indices[i]] > pivot) i++;
            while (keys[indices[j]] < pivot) j--;
            if (i <= j) {
                int32_t swap = indices[i];
                indices[i] = indices[j];
                indices[j] = swap;
                i++;
                j--;
            }
        }
        if (target <= j) high = j;
        else if (target >= i) low = i;
        else return;
    }
}

typedef struct {
    const float *similarities, *z;
    int64_t n, d, rank_begin, rank_end;
    float gamma, margin;
    float *gradient, *hinge;
    const long *labels;
    int32_t *same_class, *scratch;
} TripletJob;

/// g += alpha · x over d floats.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void add_scaled(float *restrict g, const float *restrict x, int64_t d, float alpha) {
    for (int64_t k = 0; k < d; k++) g[k] += alpha * x[k];
}

static void triplet_anchors(void *context, int64_t begin, int64_t end, int part) {
    const TripletJob *job = context;
    const int64_t n = job->n, d = job->d;
    int32_t *order = job->scratch + part * n;
    const int64_t deputies = job->rank_end - job->rank_begin;
    const float weight = deputies > 0 ? 1.0f / (float)deputies : 0.0f;
    for (int64_t i = begin; i < end; i++) {
        const float *row = job->similarities + i * n;
        int64_t count = 0;
        for (int64_t j = 0; j < n; j++)
            if (j != i) order[count++] = (int32_t)j;
        // Positions rank_begin..<rank_end of `order` end up holding exactly the negatives of
        // those ranks (in no particular order).
        wb_select_largest(row, order, count, job->rank_end);
        wb_select_largest(row, order, job->rank_end, job->rank_begin);
        float deputy = 0;
        for (int64_t r = job->rank_begin; r < job->rank_end; r++) deputy += -2 * row[order[r]];
        deputy *= weight;
        float hinge = job->gamma * (-2 * row[i]) - deputy + job->margin;
        job->hinge[i] = hinge;
        float *g = job->gradient + i * d;
        for (int64_t k = 0; k < d; k++) g[k] = 0;
        if (hinge > 0) {
            add_scaled(g, job->z + i * d, d, -2 * job->gamma / (float)n);
            for (int64_t r = job->rank_begin; r < job->rank_end; r++)
                add_scaled(g, job->z + order[r] * d, d, 2 * weight / (float)n);
        }
        int32_t same = 0;
        if (job->labels)
            for (int64_t r = job->rank_begin; r < job->rank_end; r++)
                same += job->labels[order[r]] == job->labels[i];
        job->same_class[i] = same;
    }
}

void wb_triplet_block(const float *similarities, int64_t n, int64_t rank_begin, int64_t rank_end,
                      float gamma, float margin, const float *z, int64_t d, float *gradient,
                      const long *labels, float *hinge, int32_t *same_class, int32_t *scratch) {
    if (n <= 0) return;
    TripletJob job = {similarities, z, n, d, rank_begin, rank_end, gamma, margin, gradient, hinge,
                      labels, same_class, scratch};
    int parts = wb_parts(n * n, 1 << 13);
    wb_parallel_for(n, parts < n ? parts : (int)n, triplet_anchors, &job);
}

// Parameter updates (see OptimizerKernels.h).
#include "OptimizerKernels.h"
#include "LayerKernels.h"
#include "Parallel.h"

/// Smallest share of an update worth handing to another thread, in values.
#define WB_UPDATE_GRAIN (1 << 16)

typedef struct {
    float *w, *v;
    const float *g;
    float momentum, decay, rate;
} SGDJob;

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void sgd_range(void *context, int64_t begin, int64_t end, int part) {
    (void)part;
    const SGDJob *job = context;
    float *restrict w = job->w, *restrict v = job->v;
    const float *restrict g = job->g;
    const float momentum = job->momentum, decay = job->decay, rate = job->rate;
    for (int64_t i = begin; i < end; i++) {
        float velocity = momentum * v[i] + g[i] + decay * w[i];
        v[i] = velocity;
        w[i] -= rate * velocity;
    }
}

void wb_sgd_momentum(float *w, const float *g, float *v, int64_t n, float momentum, float decay, float rate) {
    SGDJob job = {w, v, g, momentum, decay, rate};
    wb_parallel_for(n, wb_parts(n, WB_UPDATE_GRAIN), sgd_range, &job);
}

typedef struct {
    float *t;
    const float *o;
    float momentum;
} AverageJob;

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void average_range(void *context, int64_t begin, int64_t end, int part) {
    (void)part;
    const AverageJob *job = context;
    float *restrict t = job->t;
    const float *restrict o = job->o;
    const float keep = job->momentum, take = 1.0f - job->momentum;
    for (int64_t i = begin; i < end; i++) t[i] = keep * t[i] + take * o[i];
}

void wb_moving_average(float *t, const float *o, int64_t n, float momentum) {
    AverageJob job = {t, o, momentum};
    wb_parallel_for(n, wb_parts(n, WB_UPDATE_GRAIN), average_range, &job);
}

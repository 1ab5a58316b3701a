// Loop splitting over libgomp's thread pool (see Parallel.h).
#include "Parallel.h"
#include "LayerKernels.h"

// libgomp's own entry points (what GCC emits for `#pragma omp parallel`).
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
extern int omp_get_thread_num(void);
extern int omp_get_num_threads(void);

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WB_SERIAL 1
#endif
#endif
#ifndef WB_SERIAL
#define WB_SERIAL 0
#endif

static int kernel_threads = 1;

void wb_set_kernel_threads(int count) { __atomic_store_n(&kernel_threads, count < 1 ? 1 : count, __ATOMIC_RELAXED); }

int wb_kernel_threads(void) { return __atomic_load_n(&kernel_threads, __ATOMIC_RELAXED); }

typedef struct {
    wb_range_body body;
    void *context;
    int64_t count;
    int parts;
} Job;

/// One thread's share: its part (and further parts if the runtime gave fewer threads).
static void run_parts(void *data) {
    const Job *job = data;
    int threads = omp_get_num_threads();
    for (int part = omp_get_thread_num(); part < job->parts; part += threads) {
        int64_t begin = job->count * part / job->parts, end = job->count * (part + 1) / job->parts;
        job->body(job->context, begin, end, part);
    }
}

int wb_parts(int64_t count, int64_t grain) {
    int64_t parts = grain < 1 ? 1 : count / grain;
    if (parts > WB_MAX_PARTS) parts = WB_MAX_PARTS;
    return parts < 1 ? 1 : (int)parts;
}

void wb_parallel_for(int64_t count, int parts, wb_range_body body, void *context) {
    Job job = {body, context, count, parts < 1 ? 1 : parts};
    int threads = WB_SERIAL ? 1 : wb_kernel_threads();
    if (threads > job.parts) threads = job.parts;
    if (threads <= 1) {
        for (int part = 0; part < job.parts; part++)
            body(context, count * part / job.parts, count * (part + 1) / job.parts, part);
        return;
    }
    GOMP_parallel(run_parts, &job, (unsigned)threads, 0);
}

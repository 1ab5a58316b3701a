// Splits a loop over the OpenMP runtime's threads (libgomp), called through its C entry point
// so that no compiler OpenMP support is needed.
// Used by CKernels' own loops and, with a C-convention closure, by Trainer's batched
// augmentation. Not API.
#ifndef WORKBENCH_PARALLEL_H
#define WORKBENCH_PARALLEL_H
#include <stdint.h>

/// The most parts a loop is split into (per-part accumulators are sized for this many).
#define WB_MAX_PARTS 8

/// Runs body(context, begin, end, part) over [0, count) cut into `parts` consecutive ranges.
typedef void (*wb_range_body)(void *context, int64_t begin, int64_t end, int part);

/// How many parts a loop of `count` items deserves when each part should get at least
/// `grain` items, at most WB_MAX_PARTS. It depends on nothing else (not on the number of
/// cores), so sums combined part by part come out the same on every machine.
int wb_parts(int64_t count, int64_t grain);

/// Runs the parts on up to wb_kernel_threads() threads, several parts per thread when there
/// are more parts; returns when all are done. Serial under ThreadSanitizer, which cannot see
/// the runtime's synchronisation.
void wb_parallel_for(int64_t count, int parts, wb_range_body body, void *context);
#endif

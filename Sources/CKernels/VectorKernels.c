// Level-1 loops (see VectorKernels.h).
#include "VectorKernels.h"
#include <math.h>

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
float wb_norm(const float *restrict x, int64_t n) {
    float lanes[16] = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int j = 0; j < 16; j++) lanes[j] += x[i + j] * x[i + j];
    double total = 0;
    for (; i < n; i++) total += (double)x[i] * x[i];
    for (int j = 0; j < 16; j++) total += lanes[j];
    return (float)sqrt(total);
}

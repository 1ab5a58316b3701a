// Chooses BLIS's sub-configuration on CPUs its own detection does not know. See BLISGemm.h.
#include "BLISGemm.h"
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <blis-serial/blis.h>

/// The id of the sub-configuration called `name` in the linked BLIS, or -1 when it has none.
static int config_id(const char *name) {
    for (int id = 0; id < BLIS_NUM_ARCHS; id++) {
        const char *known = bli_arch_string((arch_t)id);
        if (known && strcmp(known, name) == 0) return id;
    }
    return -1;
}

/// The AMD family of this CPU (base plus extended family), or -1 on another vendor.
static int amd_family(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return -1;
    // "AuthenticAMD" in ebx, edx, ecx.
    if (ebx != 0x68747541u || edx != 0x69746e65u || ecx != 0x444d4163u) return -1;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return -1;
    int family = (int)((eax >> 8) & 0xF);
    if (family == 0xF) family += (int)((eax >> 20) & 0xFF);
    return family;
}

const char *wb_blis_kernel_for_this_cpu(void) {
    int family = amd_family();
    // BLIS 0.9 knows AMD up to family 0x19 (Zen 3 and 4); a library with a zen5 configuration
    // knows the next one itself.
    if (family < 0x1A || config_id("zen5") >= 0) return NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && config_id("skx") >= 0)
        return "skx";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && config_id("haswell") >= 0)
        return "haswell";
    return NULL;
}

/// Before main, and so before BLIS initialises and reads BLIS_ARCH_TYPE: names the kernels
/// for a CPU BLIS would otherwise run on its generic reference code, unless the user chose a
/// configuration already; then initialises BLIS while the process has one thread. (With
/// BLIS_ARCH_TYPE set, BLIS 0.9 aborts when a thread asks for the configuration while
/// another is still registering the kernels, which the test suite's parallel tests met.)
__attribute__((constructor)) static void choose_kernels(void) {
    if (getenv("BLIS_ARCH_TYPE") == NULL) {
        const char *name = wb_blis_kernel_for_this_cpu();
        if (name != NULL) {
            char id[16];
            snprintf(id, sizeof id, "%d", config_id(name));
            setenv("BLIS_ARCH_TYPE", id, 0);
        }
    }
    bli_init();
    (void)bli_arch_query_id();
}

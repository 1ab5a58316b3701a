// Int8 similarities for the kNN screen: quantisation, panel packing and the VNNI product.
#include "CKernels.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define WB_AVX512_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

int wb_int8_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}

WB_AVX512_VNNI
int wb_quantise_rows(const float *x, int rows, int dim, int depth, int offset, uint8_t *out,
                     WBRowCode *code) {
    int nonFinite = 0;
    for (int r = 0; r < rows; r++) {
        const float *row = x + (int64_t)r * dim;
        uint8_t *q = out + (int64_t)r * depth;
        const __m512 infinity = _mm512_set1_ps(__builtin_inff());
        __m512 low = _mm512_set1_ps(row[0]), high = low;
        __mmask16 bad = 0;
        for (int k = 0; k < dim; k += 16) {
            __mmask16 live = dim - k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (dim - k)) - 1);
            __m512 v = _mm512_mask_loadu_ps(_mm512_set1_ps(row[0]), live, row + k);
            low = _mm512_min_ps(low, v);
            high = _mm512_max_ps(high, v);
            bad |= _mm512_cmp_ps_mask(_mm512_abs_ps(v), infinity, _CMP_NLT_UQ);  // NaN or ±infinity
        }
        float lo = _mm512_reduce_min_ps(low), hi = _mm512_reduce_max_ps(high);
        int finite = bad == 0 && row[0] == row[0];
        nonFinite += !finite;
        float centre = finite ? 0.5f * lo + 0.5f * hi : 0.0f;
        float s = finite ? (hi - lo) / 254.0f : 0.0f;
        float inverse = s > 0 ? 1.0f / s : 0.0f;
        const __m512 c = _mm512_set1_ps(centre), sv = _mm512_set1_ps(s), iv = _mm512_set1_ps(inverse);
        const __m512i top = _mm512_set1_epi32(127), bottom = _mm512_set1_epi32(-127), shift = _mm512_set1_epi32(offset);
        __m512 rest = _mm512_setzero_ps(), kept = _mm512_setzero_ps();
        __m512i total = _mm512_setzero_si512();
        for (int k = 0; k < dim; k += 16) {
            __mmask16 live = dim - k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (dim - k)) - 1);
            __m512 v = _mm512_maskz_loadu_ps(live, row + k);
            __m512i level = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_sub_ps(v, c), iv));  // round to nearest
            level = _mm512_maskz_mov_epi32(live, _mm512_max_epi32(bottom, _mm512_min_epi32(top, level)));
            __m512 back = _mm512_fmadd_ps(sv, _mm512_cvtepi32_ps(level), c);
            __m512 e = _mm512_maskz_sub_ps(live, v, back);
            rest = _mm512_fmadd_ps(e, e, rest);
            kept = _mm512_mask3_fmadd_ps(back, back, kept, live);
            total = _mm512_add_epi32(total, level);
            _mm_mask_storeu_epi8(q + k, live, _mm512_cvtepi32_epi8(_mm512_add_epi32(level, shift)));
        }
        memset(q + dim, offset, (size_t)(depth - dim));
        int32_t sum = _mm512_reduce_add_epi32(total);
        code[r].scale = s;
        code[r].centre = centre;
        // Float sums of squares: their rounding (~dim · 2^-24 relative) is far inside the slack.
        code[r].residual = sqrtf(_mm512_reduce_add_ps(rest));
        code[r].norm = sqrtf(_mm512_reduce_add_ps(kept));
        code[r].sum = sum;
        code[r].constant = (float)((double)dim * centre + (double)s * sum);
    }
    return nonFinite;
}

void wb_pack_panels(const uint8_t *rows, int count, int depth, uint8_t fill, uint8_t *panels) {
    int panelCount = (count + WB_PANEL_ROWS - 1) / WB_PANEL_ROWS, groups = depth / 4;
    for (int p = 0; p < panelCount; p++) {
        uint8_t *panel = panels + (int64_t)p * WB_PANEL_ROWS * depth;
        for (int r = 0; r < WB_PANEL_ROWS; r++) {
            int row = p * WB_PANEL_ROWS + r;
            for (int g = 0; g < groups; g++) {
                uint8_t *to = panel + (int64_t)g * WB_PANEL_ROWS * 4 + r * 4;
                if (row < count) memcpy(to, rows + (int64_t)row * depth + 4 * g, 4);
                else memset(to, fill, 4);
            }
        }
    }
}

/// One 12 × 32 tile: 24 accumulators, two panel vectors and a broadcast per test row; the
/// int32 products leave as the float estimates â·b̂ (see wb_int8_estimates).
WB_AVX512_VNNI
static void estimatesTile(const int8_t *a, const WBRowCode *codes, int depth, const uint8_t *panel,
                          const float *scale, const float *centre, const float *constant, float *c, int ldc) {
#define WB_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define WB_DECLARE(r) __m512i c##r##a = _mm512_setzero_si512(), c##r##b = _mm512_setzero_si512();
    WB_ROWS(WB_DECLARE)
    const int groups = depth / 4;
    for (int g = 0; g < groups; g++) {
        const __m512i b0 = _mm512_loadu_si512((const void *)(panel + g * 128));
        const __m512i b1 = _mm512_loadu_si512((const void *)(panel + g * 128 + 64));
#define WB_STEP(r)                                                              \
        {                                                                       \
            int32_t word;                                                       \
            memcpy(&word, a + (r) * depth + 4 * g, 4);                          \
            const __m512i w = _mm512_set1_epi32(word);                          \
            c##r##a = _mm512_dpbusd_epi32(c##r##a, b0, w);                      \
            c##r##b = _mm512_dpbusd_epi32(c##r##b, b1, w);                      \
        }
        WB_ROWS(WB_STEP)
    }
    // â·b̂ = a.scale · (scale_j · q·q_j + centre_j · Σq) + a.centre · constant_j, where
    // q·q_j = product − 128 · Σq (the train side is stored as q + 128).
    const __m512 sb0 = _mm512_loadu_ps(scale), sb1 = _mm512_loadu_ps(scale + 16);
    const __m512 cb0 = _mm512_loadu_ps(centre), cb1 = _mm512_loadu_ps(centre + 16);
    const __m512 ub0 = _mm512_loadu_ps(constant), ub1 = _mm512_loadu_ps(constant + 16);
#define WB_ESTIMATE(acc, sb, cb, ub, row)                                                                   \
    _mm512_fmadd_ps(_mm512_set1_ps((row).centre), ub,                                                     \
        _mm512_mul_ps(_mm512_set1_ps((row).scale),                                                        \
            _mm512_fmadd_ps(cb, _mm512_set1_ps((float)(row).sum),                                         \
                _mm512_mul_ps(sb, _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, _mm512_set1_epi32(128 * (row).sum)))))))
#define WB_STORE(r)                                                                                         \
    _mm512_storeu_ps(c + (int64_t)(r) * ldc, WB_ESTIMATE(c##r##a, sb0, cb0, ub0, codes[r]));              \
    _mm512_storeu_ps(c + (int64_t)(r) * ldc + 16, WB_ESTIMATE(c##r##b, sb1, cb1, ub1, codes[r]));
    WB_ROWS(WB_STORE)
#undef WB_ESTIMATE
#undef WB_ROWS
#undef WB_DECLARE
#undef WB_STEP
#undef WB_STORE
}

WB_AVX512_VNNI
void wb_int8_estimates(const int8_t *a, const WBRowCode *codes, int rows, int depth, const uint8_t *panels,
                       int panelCount, WBTrainCodes b, float *out, int ldc) {
    // Each panel (WB_PANEL_ROWS · depth bytes) stays in L1 while every tile of the block uses it.
    for (int p = 0; p < panelCount; p++) {
        const uint8_t *panel = panels + (int64_t)p * WB_PANEL_ROWS * depth;
        const int column = p * WB_PANEL_ROWS;
        for (int t = 0; t < rows; t += WB_TILE_ROWS) {
            estimatesTile(a + (int64_t)t * depth, codes + t, depth, panel, b.scale + column, b.centre + column,
                          b.constant + column, out + (int64_t)t * ldc + column, ldc);
        }
    }
}

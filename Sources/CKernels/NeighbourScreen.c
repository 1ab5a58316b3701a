// Turning one test row's int8 similarities into a provably complete candidate list, and the
// exact float similarities of the candidates.
#include "CKernels.h"
#include <immintrin.h>

#define WB_AVX512 __attribute__((target("avx512f")))

/// The k-th largest of values[0..<n] (1 ≤ k ≤ n); reorders values.
static float kthLargest(float *values, int n, int k) {
    int left = 0, right = n - 1, want = k - 1;
    while (left < right) {
        float pivot = values[left + (right - left) / 2];
        int i = left, j = right;
        while (i <= j) {
            while (values[i] > pivot) i++;
            while (values[j] < pivot) j--;
            if (i <= j) {
                float t = values[i]; values[i] = values[j]; values[j] = t;
                i++; j--;
            }
        }
        if (want <= j) right = j;
        else if (want >= i) left = i;
        else break;
    }
    return values[want];
}

WB_AVX512
int wb_screen_row(const float *estimates, int n, WBRowCode a, WBTrainCodes b, float slack, int k,
                  float *work, int32_t *out) {
    if (n <= k) {
        for (int i = 0; i < n; i++) out[i] = i;
        return n;
    }
    // lower_j = estimate_j − margin_j, upper_j = estimate_j + margin_j.
    const float base = a.residual + slack;
    const __m512 vbase = _mm512_set1_ps(base), vnorm = _mm512_set1_ps(a.norm);
#define WB_MARGIN(j) _mm512_fmadd_ps(vnorm, _mm512_loadu_ps(b.residual + (j)), vbase)
    // A floor no larger than the k-th largest lower bound t: the k-th largest of the maxima of
    // disjoint chunks (k of those maxima are distinct rows at least that large). Four chunks
    // per neighbour keep the floor close to t.
    float floor;
    int chunks = 4 * k, length = (n / chunks) & ~15;
    float *maxima = work;
    if (length >= 16) {
        for (int c = 0, j = 0; c < chunks; c++) {
            __m512 m = _mm512_set1_ps(-3.4e38f);
            for (int end = j + length; j < end; j += 16) {
                m = _mm512_max_ps(m, _mm512_sub_ps(_mm512_loadu_ps(estimates + j), WB_MARGIN(j)));
            }
            maxima[c] = _mm512_reduce_max_ps(m);
        }
    } else {
        chunks = k;
        for (int c = 0; c < k; c++) {
            int start = (int)((int64_t)c * n / k), end = (int)((int64_t)(c + 1) * n / k);
            float best = -3.4e38f;
            for (int i = start; i < end; i++) {
                float lower = estimates[i] - (base + a.norm * b.residual[i]);
                best = lower > best ? lower : best;
            }
            maxima[c] = best;
        }
    }
    floor = kthLargest(maxima, chunks, k);
    // Every row whose upper bound reaches the floor (a superset of the answer), with its bounds.
    float *lower = work, *upper = work + n;
    const __m512 f = _mm512_set1_ps(floor);
    const __m512i step = _mm512_set1_epi32(16);
    __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int m = 0, j = 0;
    for (; j + 16 <= n; j += 16, index = _mm512_add_epi32(index, step)) {
        __m512 e = _mm512_loadu_ps(estimates + j), margin = WB_MARGIN(j), hi = _mm512_add_ps(e, margin);
        __mmask16 keep = _mm512_cmp_ps_mask(hi, f, _CMP_GE_OQ);
        // Stored whole and overwritten by the next store: no branch on the rare hit.
        _mm512_storeu_si512(out + m, _mm512_maskz_compress_epi32(keep, index));
        _mm512_storeu_ps(lower + m, _mm512_maskz_compress_ps(keep, _mm512_sub_ps(e, margin)));
        _mm512_storeu_ps(upper + m, _mm512_maskz_compress_ps(keep, hi));
        m += __builtin_popcount(keep);
    }
#undef WB_MARGIN
    for (; j < n; j++) {
        float margin = base + a.norm * b.residual[j];
        if (estimates[j] + margin >= floor) {
            out[m] = j; lower[m] = estimates[j] - margin; upper[m] = estimates[j] + margin; m++;
        }
    }
    // The exact t among them (every row with a lower bound ≥ t is there), then the rows whose
    // upper bound reaches t.
    float threshold = kthLargest(lower, m, k);
    int count = 0;
    for (int i = 0; i < m; i++) {
        out[count] = out[i];
        count += upper[i] >= threshold;
    }
    return count;
}

WB_AVX512
void wb_rescore(const float *query, const float *train, int dim, const int32_t *index, int count,
                float *out) {
    // Candidates' rows lie anywhere in memory: ask for a few rows ahead of the one in use.
    enum { ahead = 3 };
    const int lines = dim * 4 > 4096 ? 64 : (dim * 4 + 63) / 64;
    for (int c = 0; c < count && c < ahead; c++) {
        const char *next = (const char *)(train + (int64_t)index[c] * dim);
        for (int l = 0; l < lines; l++) _mm_prefetch(next + 64 * l, _MM_HINT_T0);
    }
    for (int c = 0; c < count; c++) {
        const float *row = train + (int64_t)index[c] * dim;
        if (c + ahead < count) {
            const char *next = (const char *)(train + (int64_t)index[c + ahead] * dim);
            for (int l = 0; l < lines; l++) _mm_prefetch(next + 64 * l, _MM_HINT_T0);
        }
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        int k = 0;
        for (; k + 32 <= dim; k += 32) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(query + k), _mm512_loadu_ps(row + k), s0);
            s1 = _mm512_fmadd_ps(_mm512_loadu_ps(query + k + 16), _mm512_loadu_ps(row + k + 16), s1);
        }
        for (; k < dim; k += 16) {
            __mmask16 live = dim - k >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (dim - k)) - 1);
            s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(live, query + k), _mm512_maskz_loadu_ps(live, row + k), s0);
        }
        out[c] = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    }
}

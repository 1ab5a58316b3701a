// Hand-written SIMD kernels the BLAS does not provide: the int8 similarity screen of the
// kNN evaluation (AVX-512 VNNI; callers must check wb_int8_supported() first), and the
// layers' elementwise loops (LayerKernels.h), a vector norm (VectorKernels.h). Not API.
#ifndef WORKBENCH_CKERNELS_H
#define WORKBENCH_CKERNELS_H
#include <stdint.h>
#include "LayerKernels.h"
#include "VectorKernels.h"
#include "ParallelGemm.h"
#include "ContrastiveKernels.h"
#include "OptimizerKernels.h"
#include "TripletKernels.h"
#include "Parallel.h"

/// Test rows per register tile of the int8 product; test blocks are multiples of it.
#define WB_TILE_ROWS 12
/// Train rows per packed panel; train counts are padded to multiples of it.
#define WB_PANEL_ROWS 32

/// 1 when this CPU (and OS) can run the int8 kernels: AVX-512 F, BW, VL and VNNI.
int wb_int8_supported(void);

/// How one row was quantised: x ≈ x̂ = centre + scale · q with q ∈ [−127, 127] per element.
typedef struct {
    float scale, centre;
    /// ‖x − x̂‖ and ‖x̂‖, what the error bound needs.
    float residual, norm;
    /// Σ q over the row, and dim · centre + scale · Σ q (x̂'s sum).
    int32_t sum;
    float constant;
} WBRowCode;

/// Quantises `rows` rows of `dim` floats to bytes around their midrange, q = round((x − centre)
/// / scale), scale = (max − min) / 254, written as q + `offset` (0 gives int8 bits, 128
/// unsigned bytes) in rows of `depth` ≥ dim bytes (padding holds q = 0). Returns the number of
/// rows holding a NaN or an infinity (their outputs are meaningless).
int wb_quantise_rows(const float *x, int rows, int dim, int depth, int offset, uint8_t *out,
                     WBRowCode *code);

/// Rearranges `count` rows of `depth` unsigned bytes into panels of WB_PANEL_ROWS rows, four
/// bytes of each row after another, the layout the int8 product reads. `panels` holds
/// ceil(count / WB_PANEL_ROWS) · WB_PANEL_ROWS · depth bytes; missing rows are filled with
/// `fill`.
void wb_pack_panels(const uint8_t *rows, int count, int depth, uint8_t fill, uint8_t *panels);

/// Per-train-row numbers of the screen, one array each so that they load as vectors (padded
/// with zeros to whole panels).
typedef struct {
    const float *scale, *centre, *constant, *residual;
    /// The largest residual of all train rows.
    float largestResidual;
} WBTrainCodes;

/// out[i · ldc + j] = â_i · b̂_j, the estimate of the product of test row i (of `rows`, a
/// multiple of WB_TILE_ROWS, quantised as signed bytes with `codes`) and train row j (of
/// `panelCount` panels of q + 128), computed exactly from the int8 product (int32 while
/// depth · 255 · 127 < 2^31) and the two rows' codes, up to float rounding.
void wb_int8_estimates(const int8_t *a, const WBRowCode *codes, int rows, int depth, const uint8_t *panels,
                       int panelCount, WBTrainCodes b, float *out, int ldc);

/// One test row's candidates for its k nearest train rows, from its n estimates â·b̂_j: with
/// margin_j = a.residual + a.norm · b.residual[j] + slack bounding |a·b_j − â·b̂_j|
/// (Cauchy–Schwarz, unit rows), every train row whose upper bound reaches the k-th largest
/// lower bound is written to `out`; the true k nearest are among them. Returns their count.
/// `work` holds 2n + 16 floats and `out` n + 16 indices.
int wb_screen_row(const float *estimates, int n, WBRowCode a, WBTrainCodes b, float slack, int k,
                  float *work, int32_t *out);

/// out[c] = query · train[index[c]] in float, for `count` rows of `dim` floats.
void wb_rescore(const float *query, const float *train, int dim, const int32_t *index, int count,
                float *out);
#endif

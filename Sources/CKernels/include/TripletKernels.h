// The truncated triplet loss's per-anchor work: rank an anchor's negatives only as far as the
// selected ranks (quickselect, no sort), average the deputies' distances, and write the
// anchor's hinge and its gradient row, anchors split over wb_kernel_threads(). Each anchor is
// computed alone, so results do not depend on the thread count. Not API; Trainer's
// TruncatedTripletLoss is the caller.
#ifndef WORKBENCH_TRIPLET_KERNELS_H
#define WORKBENCH_TRIPLET_KERNELS_H
#include <stdint.h>

/// Reorders indices[0..<count) so that its first `largest` entries are those with the largest
/// keys[index] (ties at the boundary in any order), in no particular order. O(count).
void wb_select_largest(const float *keys, int32_t *indices, int64_t count, int64_t largest);

/// One block of n anchors. similarities[i · n + j] = ⟨p_i, z_j⟩; the n − 1 negatives of
/// anchor i (j ≠ i) are ranked most similar first and ranks [rank_begin, rank_end) are its
/// deputies. With d_ij = −2 s_ij and w = 1 / (rank_end − rank_begin):
///   hinge[i]    = γ · d_ii − w · Σ_deputies d_ij + margin
///   gradient_i  = 0 when hinge[i] ≤ 0, else ∂(hinge[i] / n)/∂p_i
///               = (−2γ z_i + 2w Σ_deputies z_j) / n         (rows of d floats)
///   same_class[i] = how many deputies have labels[j] = labels[i] (0 when labels is NULL).
/// `scratch` holds WB_MAX_PARTS · n indices.
void wb_triplet_block(const float *similarities, int64_t n, int64_t rank_begin, int64_t rank_end,
                      float gamma, float margin, const float *z, int64_t d, float *gradient,
                      const long *labels, float *hinge, int32_t *same_class, int32_t *scratch);
#endif

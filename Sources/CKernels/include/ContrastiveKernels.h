// The softmax at the heart of the contrastive losses (NT-Xent, InfoNCE): one pass per row of
// logits that leaves the row's loss, its gradient and the share of its negative weight on
// the anchor's own class (the measured Pr(ω|A) diagnostic), with an exp vectorised over the
// widest unit present, split by rows over wb_kernel_threads(). Each row is computed alone,
// so results do not depend on the thread count. Not API; Trainer's losses are the callers.
#ifndef WORKBENCH_CONTRASTIVE_KERNELS_H
#define WORKBENCH_CONTRASTIVE_KERNELS_H
#include <stdint.h>

/// For each of `rows` rows of `columns` logits x (row stride `ld`), with positive column
/// positive[i] and an optional column excluded[i] that takes no part (NULL: none; NT-Xent's
/// own view):
///   loss[i] = log Σ_j exp(x_ij) − x_i,positive[i]   (double; j over the columns taking part)
///   x_ij   ← softmax_ij − [j = positive[i]]          (∂loss[i]/∂x_ij; the excluded column 0)
///   share[i] = Σ softmax over negatives j with column_labels[j] = row_labels[i], divided by
///              Σ softmax over all negatives (0 when that is 0); only when both label arrays
///              are given (share may then be NULL otherwise).
/// Negatives are the columns other than the positive and the excluded one. exp is accurate
/// to about 2 float ulps; logits far below the row's maximum (by more than 87) weigh 0.
void wb_contrastive_softmax(float *x, int64_t rows, int64_t columns, int64_t ld,
                            const int32_t *positive, const int32_t *excluded,
                            const long *row_labels, const long *column_labels,
                            double *loss, double *share);

/// exp(x) for `count` floats, the same approximation as above (for tests and callers
/// that need only the exponentials).
void wb_exp(const float *x, float *out, int64_t count);
#endif

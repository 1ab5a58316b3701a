import Foundation

/// Small vector helpers shared by layers, losses and evaluation.
public enum Kernels {
    /// Scales each row of a `rows × columns` matrix to unit Euclidean length, writing the
    /// norms (clamped below by `epsilon`) to `norms`.
    public static func normaliseRows(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
        norms: UnsafeMutablePointer<Float>, rows: Int, columns: Int, epsilon: Float = 1e-12
    ) {
        for r in 0..<rows {
            let row = x + r * columns
            let norm = max(BLAS.norm(count: columns, row), epsilon)
            norms[r] = norm
            let inverse = 1 / norm
            let out = y + r * columns
            for c in 0..<columns { out[c] = row[c] * inverse }
        }
    }

    /// Index of the largest value in each row.
    public static func argmaxRows(_ x: UnsafePointer<Float>, rows: Int, columns: Int) -> [Int] {
        (0..<rows).map { r in
            var best = 0
            var bestValue = -Float.infinity
            for c in 0..<columns where x[r * columns + c] > bestValue {
                bestValue = x[r * columns + c]
                best = c
            }
            return best
        }
    }

    /// Numerically stable log(sum(exp(x))) over `count` values.
    public static func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var maximum = -Float.infinity
        for i in 0..<count { maximum = max(maximum, x[i]) }
        if !maximum.isFinite { return maximum }
        var sum: Float = 0
        for i in 0..<count { sum += Foundation.exp(x[i] - maximum) }
        return maximum + Foundation.log(sum)
    }
}

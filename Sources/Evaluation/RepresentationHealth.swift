import Foundation
import TensorCore

/// Signs that a self-supervised network is collapsing, from its representations of the
/// test set: when every image maps to (nearly) the same vector, or to a few directions,
/// accuracy curves can still look calm for a while. Both figures use the L2-normalised rows.
public enum RepresentationHealth {
    /// The mean over dimensions of each dimension's standard deviation across the rows.
    /// Complete collapse drives it to 0; rows spread evenly over the sphere give about 1/√d.
    public static func normalisedStd(_ x: [Float], rows n: Int, dimension d: Int) -> Double {
        guard n > 1, d > 0, x.count >= n * d else { return 0 }
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        for r in 0..<n {
            let row = x[(r * d)..<(r * d + d)]
            let norm = max(row.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot(), 1e-12)
            for (j, value) in row.enumerated() {
                let v = Double(value) / norm
                sum[j] += v
                squares[j] += v * v
            }
        }
        var total = 0.0
        for j in 0..<d {
            let mean = sum[j] / Double(n)
            total += max(squares[j] / Double(n) - mean * mean, 0).squareRoot()
        }
        return total / Double(d)
    }

    /// The effective rank (Roy & Vetterli): exp of the entropy of the normalised singular
    /// values of the row-normalised matrix. 1 for identical rows, at most k for rank-k data,
    /// close to d for isotropic data. Singular values come from the d×d Gram matrix (dsyrk,
    /// in double so rounding does not pose as rank) and a symmetric eigensolver.
    public static func effectiveRank(_ x: [Float], rows n: Int, dimension d: Int) -> Double {
        guard n > 0, d > 0, x.count >= n * d else { return 0 }
        var normalised = [Double](repeating: 0, count: n * d)
        for r in 0..<n {
            let row = x[(r * d)..<(r * d + d)]
            let norm = row.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > 0 else { continue }
            for (j, value) in row.enumerated() { normalised[r * d + j] = Double(value) / norm }
        }
        let symmetric = BLAS.gram(normalised, rows: n, columns: d)
        guard let eigenvalues = SymmetricEigenvalues.of(symmetric, n: d) else { return 0 }
        let singular = eigenvalues.map { max($0, 0).squareRoot() }
        let total = singular.reduce(0, +)
        guard total > 0 else { return 0 }
        let entropy = singular.reduce(0.0) { sum, s in
            let p = s / total
            return p > 0 ? sum - p * log(p) : sum
        }
        return exp(entropy)
    }

    /// Collapse: the spread below a fifth of the isotropic 1/√d, or the effective rank at 4 or less.
    public static func isCollapsed(std: Double?, effectiveRank: Double?, dimension: Int) -> Bool {
        if let std, std < 0.2 / Double(max(dimension, 1)).squareRoot() { return true }
        if let effectiveRank, effectiveRank <= 4 { return true }
        return false
    }
}

import TensorCore

/// The metric the linear probe's L-BFGS starts every search direction from: each class's
/// weight column multiplied by (Σ + μI)⁻¹, where Σ is the standardised features' correlation
/// matrix, and the bias left as it is.
///
/// Representations are strongly correlated (their effective rank is a fraction of their width),
/// so the objective's curvature spans many orders of magnitude and plain L-BFGS needs about a
/// thousand iterations to converge. With this metric the curvature a logistic loss puts on the
/// weights, roughly Σ times the softmax's variance, becomes nearly uniform. It changes only the
/// path to the optimum, not the objective or the stopping rule, so the fitted probe is the same
/// one to the tolerance.
struct ProbePreconditioner {
    let dimension: Int
    let classCount: Int
    /// The lower Cholesky factor L of Σ + μI, row-major d×d.
    private let factor: [Double]

    /// Rows of the correlation estimate: enough to pin down a few hundred directions, few
    /// enough that a 3,072-wide pixel baseline stays cheap.
    static let sampleRows = 4096
    /// The widest features preconditioned: the d×d factorisation costs d³/3, seconds at 3,072
    /// (colour 32×32 pixels), hours at STL-10's 27,648; wider ones fit by plain L-BFGS.
    static let widest = 4096

    /// Σ from at most `sampleRows` evenly spaced rows of the standardised `x` (n×d); μ is the
    /// ratio of the L2 penalty to the curvature of an untrained softmax (1/C per class).
    /// Nil when the factorisation fails (non-finite features).
    init?(standardised x: [Float], rows n: Int, dimension d: Int, classCount c: Int, l2: Double) {
        guard n > 0, d > 0, d <= Self.widest, c > 1 else { return nil }
        let take = min(n, Self.sampleRows)
        var sample = [Double](repeating: 0, count: take * d)
        for r in 0..<take {
            let source = (r * n) / take
            for j in 0..<d { sample[r * d + j] = Double(x[source * d + j]) }
        }
        var m = BLAS.gram(sample, rows: take, columns: d)
        let mu = max(l2 * Double(c), 1e-8)
        for i in 0..<(d * d) { m[i] /= Double(take) }
        for i in 0..<d { m[i * d + i] += mu }
        guard let factor = Self.cholesky(m, n: d) else { return nil }
        self.factor = factor
        self.dimension = d
        self.classCount = c
    }

    /// In place: the weight block of θ = [W (d×C), b (C)] replaced by (Σ + μI)⁻¹W.
    func apply(_ theta: inout [Double]) {
        theta.withUnsafeMutableBufferPointer { w in
            factor.withUnsafeBufferPointer { l in
                BLAS.choleskySolve(factor: l.baseAddress!, n: dimension, columns: classCount, b: w.baseAddress!)
            }
        }
    }

    /// The lower Cholesky factor of the symmetric positive-definite n×n `a`, nil if it is not.
    static func cholesky(_ a: [Double], n: Int) -> [Double]? {
        var factor = [Double](repeating: 0, count: n * n)
        let ok = factor.withUnsafeMutableBufferPointer { l -> Bool in
            a.withUnsafeBufferPointer { a in
                let base = l.baseAddress!
                for i in 0..<n {
                    let rowI = base + i * n
                    for j in 0...i {
                        let rowJ = base + j * n
                        var sum = a[i * n + j]
                        for k in 0..<j { sum -= rowI[k] * rowJ[k] }
                        if i == j {
                            guard sum > 0, sum.isFinite else { return false }
                            rowI[i] = sum.squareRoot()
                        } else {
                            rowI[j] = sum / rowJ[j]
                        }
                    }
                }
                return true
            }
        }
        return ok ? factor : nil
    }
}

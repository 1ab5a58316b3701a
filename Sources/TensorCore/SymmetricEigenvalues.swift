import Foundation

/// Eigenvalues of a small dense symmetric matrix (the d×d Gram matrix behind the effective
/// rank), in double precision, without LAPACK: the BLAS this project links need not carry it.
public enum SymmetricEigenvalues {
    /// The eigenvalues, ascending, of the symmetric n×n matrix `matrix` (row-major; only the
    /// upper triangle is read). Householder reduction to tridiagonal form, then the implicit
    /// QL algorithm with shifts. Nil when an entry is not finite or the iteration does not
    /// converge (60 sweeps per eigenvalue).
    public static func of(_ matrix: [Double], n: Int) -> [Double]? {
        guard n >= 0, matrix.count >= n * n else { return nil }
        guard n > 0 else { return [] }
        var a = Array(matrix[0..<(n * n)])
        guard a.allSatisfy(\.isFinite) else { return nil }
        for i in 0..<n { for j in 0..<i { a[i * n + j] = a[j * n + i] } }
        var diagonal = [Double](repeating: 0, count: n), subdiagonal = [Double](repeating: 0, count: n)
        tridiagonalise(&a, n: n, diagonal: &diagonal, subdiagonal: &subdiagonal)
        guard implicitQL(diagonal: &diagonal, subdiagonal: &subdiagonal) else { return nil }
        return diagonal.sorted()
    }

    /// Reduces the full symmetric `a` to tridiagonal form by n − 2 Householder reflections
    /// H = I − 2vvᵀ applied from both sides; `a` is overwritten. `subdiagonal[i]` couples
    /// rows i and i + 1; the last entry is 0.
    static func tridiagonalise(_ matrix: inout [Double], n: Int, diagonal d: inout [Double], subdiagonal e: inout [Double]) {
        var v = [Double](repeating: 0, count: n), q = [Double](repeating: 0, count: n)
        matrix.withUnsafeMutableBufferPointer { a in
            for k in 0..<max(n - 2, 0) {
                d[k] = a[k * n + k]
                let lower = k + 1
                for i in lower..<n { v[i] = a[i * n + k] }
                let head = v[lower]
                var tail = 0.0
                for i in (lower + 1)..<n { tail += v[i] * v[i] }
                // Nothing below the subdiagonal: already tridiagonal in this column.
                guard tail > 0 else {
                    e[k] = head
                    continue
                }
                let squared = head * head + tail
                let alpha = head > 0 ? -squared.squareRoot() : squared.squareRoot()
                e[k] = alpha
                v[lower] -= alpha
                let scale = 1 / (2 * (squared - head * alpha)).squareRoot()
                for i in lower..<n { v[i] *= scale }
                // q = A₂₂v − (vᵀA₂₂v)v, then A₂₂ ← A₂₂ − 2(vqᵀ + qvᵀ) = H A₂₂ H.
                var vAv = 0.0
                for i in lower..<n {
                    var sum = 0.0
                    for j in lower..<n { sum += a[i * n + j] * v[j] }
                    q[i] = sum
                    vAv += v[i] * sum
                }
                for i in lower..<n { q[i] -= vAv * v[i] }
                for i in lower..<n {
                    let vi = 2 * v[i], qi = 2 * q[i]
                    for j in lower..<n { a[i * n + j] -= vi * q[j] + qi * v[j] }
                }
            }
            if n >= 2 {
                d[n - 2] = a[(n - 2) * n + n - 2]
                e[n - 2] = a[(n - 1) * n + n - 2]
            }
            d[n - 1] = a[(n - 1) * n + n - 1]
            e[n - 1] = 0
        }
    }

    /// The implicit QL iteration on a symmetric tridiagonal matrix (tqli in Numerical Recipes):
    /// `diagonal` becomes the eigenvalues, unordered; `subdiagonal` is destroyed.
    static func implicitQL(diagonal d: inout [Double], subdiagonal e: inout [Double]) -> Bool {
        let n = d.count
        for l in 0..<n {
            var iterations = 0
            while true {
                var m = l
                while m < n - 1, abs(e[m]) > Double.ulpOfOne * (abs(d[m]) + abs(d[m + 1])) { m += 1 }
                if m == l { break }
                iterations += 1
                if iterations > 60 { return false }
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = hypot(g, 1)
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
                var s = 1.0, c = 1.0, p = 0.0
                var i = m - 1
                var split = false
                while i >= l {
                    let f = s * e[i], b = c * e[i]
                    r = hypot(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        // The matrix split above row i + 1: restart on the smaller block.
                        d[i + 1] -= p
                        e[m] = 0
                        split = true
                        break
                    }
                    s = f / r
                    c = g / r
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    i -= 1
                }
                if split { continue }
                d[l] -= p
                e[l] = g
                e[m] = 0
            }
        }
        return true
    }
}

import CBLAS

/// The one wrapper around the BLAS: every matrix product in the project goes through here.
///
/// Matrices are row-major. `transposeA`/`transposeB` say whether the stored matrix is to be
/// read transposed, so callers never copy a matrix just to transpose it.
public enum BLAS {
    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        let strideA = lda ?? (transposeA ? m : k)
        let strideB = ldb ?? (transposeB ? k : n)
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(strideA), b, Int32(strideB), beta, c, Int32(ldc ?? n))
    }

    /// y[m or n] = alpha · op(A) · x + beta · y, with A stored row-major as m×n.
    @inlinable
    public static func gemv(
        transposeA: Bool = false, m: Int, n: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, x: UnsafePointer<Float>,
        beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(n), x, 1, beta, y, 1)
    }

    /// y = alpha · x + y over `count` elements.
    @inlinable
    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }

    /// x = alpha · x over `count` elements.
    @inlinable
    public static func scale(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(count), alpha, x, 1)
    }

    /// Dot product of two vectors of `count` elements.
    @inlinable
    public static func dot(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(count), x, 1, y, 1)
    }

    /// Euclidean norm of a vector of `count` elements.
    @inlinable
    public static func norm(count: Int, _ x: UnsafePointer<Float>) -> Float {
        cblas_snrm2(Int32(count), x, 1)
    }

    /// Number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (at least 1).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The CPU kernel OpenBLAS chose, e.g. "Haswell" or "SkylakeX".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

extension BLAS {
    /// The full d×d Gram matrix XᵀX of the row-major n×d matrix `x`, in double precision
    /// (dsyrk, then the lower triangle mirrored), for spectra where float rounding would
    /// show up as spurious small singular values.
    public static func gram(_ x: [Double], rows n: Int, columns d: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        guard n > 0, d > 0, x.count >= n * d else { return c }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1, x, Int32(d), 0, &c, Int32(d))
        for i in 0..<d { for j in 0..<i { c[i * d + j] = c[j * d + i] } }
        return c
    }

    /// The eigenvalues, ascending, of the symmetric n×n matrix `a` (row-major; only one
    /// triangle is read, and `a` is overwritten). Nil when LAPACK reports a failure.
    public static func symmetricEigenvalues(_ a: inout [Double], n: Int) -> [Double]? {
        guard n > 0, a.count >= n * n else { return n == 0 ? [] : nil }
        var size = Int32(n), info: Int32 = 0
        var values = [Double](repeating: 0, count: n)
        var lwork = Int32(2 * n + 1), liwork: Int32 = 1
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: 1)
        "N".withCString { jobz in
            "U".withCString { uplo in
                dsyevd_(jobz, uplo, &size, &a, &size, &values, &work, &lwork, &iwork, &liwork, &info)
            }
        }
        return info == 0 ? values : nil
    }
}

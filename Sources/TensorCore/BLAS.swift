import CKernels
import Synchronization
// Whichever BLAS module Package.swift made TensorCore depend on (only that one is visible).
#if canImport(CBLIS)
import CBLIS
import CBLISGemm
#else
import COpenBLAS
#endif

/// The one wrapper around the BLAS: every matrix product in the project goes through here.
///
/// Matrices are row-major. `transposeA`/`transposeB` say whether the stored matrix is to be
/// read transposed, so callers never copy a matrix just to transpose it.
public enum BLAS {
    /// Floating-point operations of every `gemm` so far (2·m·n·k each, from any thread):
    /// benchmarks read it around a training step to give the step's GFLOPS.
    public static let productFlops = Atomic<Int>(0)

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, split over `threadCount` threads
    /// (CKernels' wb_parallel_gemm: one single-threaded BLAS call per range of C's rows or
    /// columns; the same bits on any thread count for k up to a few hundred, the same to
    /// rounding beyond, docs/performance.md).
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        productFlops.wrappingAdd(2 * m * n * k, ordering: .relaxed)
        let strideA = lda ?? (transposeA ? m : k)
        let strideB = ldb ?? (transposeB ? k : n)
        wb_parallel_gemm(sgemm, transposeA ? 1 : 0, transposeB ? 1 : 0, Int64(m), Int64(n), Int64(k),
                         alpha, a, Int64(strideA), b, Int64(strideB), beta, c, Int64(ldc ?? n))
    }

    /// The single-threaded product each part of `gemm` calls: BLIS's expert interface, which
    /// keeps wide and long products off its small-matrix path (CBLISGemm), or OpenBLAS's CBLAS.
    @usableFromInline
    static var sgemm: wb_gemm_fn {
        #if canImport(CBLIS)
        wb_blis_sgemm
        #else
        wb_sgemm
        #endif
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

    /// Euclidean norm of a vector of `count` elements (CKernels' loop, not the BLAS's snrm2,
    /// which in BLIS costs 16× as much on a 512-value row).
    @inlinable
    public static func norm(count: Int, _ x: UnsafePointer<Float>) -> Float {
        wb_norm(x, Int64(count))
    }

    /// The library this build links: "BLIS", or "OpenBLAS" (`WORKBENCH_BLAS=openblas` at build time).
    public static var library: String { String(cString: wb_blas_library()) }

    /// Number of threads one product (and one layer kernel) is split over.
    public static var threadCount: Int { max(1, Int(wb_kernel_threads())) }

    /// Sets the number of threads products and the layers' own kernels are split over (at
    /// least 1; one until this is called). The BLAS itself stays single-threaded: its calls
    /// are the parts (see `gemm`).
    public static func setThreadCount(_ count: Int) {
        wb_blas_set_threads(1)
        wb_set_kernel_threads(Int32(max(1, count)))
    }

    /// The CPU kernel the BLAS chose, e.g. "Cooperlake" (OpenBLAS) or "zen3" (BLIS); an
    /// `OPENBLAS_CORETYPE` or `BLIS_ARCH_TYPE` in the environment changes it.
    public static var coreName: String {
        guard let name = wb_blas_kernel() else { return "unknown" }
        return String(cString: name)
    }
}

extension BLAS {
    /// B[n×m] ← (LLᵀ)⁻¹B in double precision for the lower-triangular row-major n×n factor L
    /// (two triangular solves): a Cholesky solve without forming the inverse.
    public static func choleskySolve(factor l: UnsafePointer<Double>, n: Int, columns m: Int, b: UnsafeMutablePointer<Double>) {
        guard n > 0, m > 0 else { return }
        cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), Int32(m), 1, l, Int32(n), b, Int32(m))
        cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, Int32(n), Int32(m), 1, l, Int32(n), b, Int32(m))
    }

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

}

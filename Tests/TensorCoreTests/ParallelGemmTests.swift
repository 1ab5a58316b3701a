import Testing
@testable import TensorCore

/// `BLAS.gemm` cuts C's rows or columns into one range per thread, each a single-threaded BLAS
/// call: every transpose combination, leading dimensions wider than the matrices, ranges that
/// end mid-unit, against a double-precision product, and the same bits on one and two threads.
@Suite struct ParallelGemmTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        let m, n, k: Int
        var testDescription: String { "\(m)×\(n)×\(k)" }
    }

    /// Rows split (m > n), columns split (n > m), k < 256 with rows (2m ≥ n) and with columns,
    /// one below the size where a product stays on one thread, one wide enough (n ≥ 1024)
    /// that BLIS's small-matrix path is refused, and one long enough (k ≥ 1024, C at least
    /// 128 on its short side) that it is refused for that (CBLISGemm).
    static let shapes = [Shape(m: 531, n: 77, k: 300), Shape(m: 77, n: 531, k: 300),
                         Shape(m: 400, n: 600, k: 100), Shape(m: 200, n: 600, k: 100),
                         Shape(m: 9, n: 11, k: 13), Shape(m: 40, n: 2100, k: 50),
                         Shape(m: 260, n: 130, k: 1030)]

    struct Product {
        let shape: Shape, transposeA: Bool, transposeB: Bool
        let alpha: Float = 0.75, beta: Float = 0.5
        let a: [Float], b: [Float], c: [Float]
        /// Leading dimensions a few floats wider than the matrices, as for a block of a larger one.
        let lda: Int, ldb: Int, ldc: Int

        init(_ shape: Shape, transposeA: Bool, transposeB: Bool) {
            self.shape = shape
            self.transposeA = transposeA
            self.transposeB = transposeB
            var rng = RandomGenerator(seed: UInt64(shape.m * 1_000 + shape.n))
            let aRows = transposeA ? shape.k : shape.m, bRows = transposeB ? shape.n : shape.k
            lda = (transposeA ? shape.m : shape.k) + 3
            ldb = (transposeB ? shape.k : shape.n) + 5
            ldc = shape.n + 7
            a = (0..<aRows * lda).map { _ in rng.normal() }
            b = (0..<bRows * ldb).map { _ in rng.normal() }
            c = (0..<shape.m * ldc).map { _ in rng.normal() }
        }

        /// op(A)[i][p] and op(B)[p][j] as stored.
        func opA(_ i: Int, _ p: Int) -> Double { Double(transposeA ? a[p * lda + i] : a[i * lda + p]) }
        func opB(_ p: Int, _ j: Int) -> Double { Double(transposeB ? b[j * ldb + p] : b[p * ldb + j]) }

        func computed(threads: Int) -> [Float] {
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(1) }  // what the other tests in this process expect
            var out = c
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: shape.m, n: shape.n, k: shape.k,
                      alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &out, ldc: ldc)
            return out
        }
    }

    @Test(arguments: shapes)
    func everyTransposeMatchesTheDefinitionOnOneAndTwoThreads(shape: Shape) {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let product = Product(shape, transposeA: transposeA, transposeB: transposeB)
            let one = product.computed(threads: 1), two = product.computed(threads: 2)
            let sameBits = one == two
            #expect(sameBits, "transposes \(transposeA), \(transposeB): one and two threads differ")
            var worst = 0.0
            for i in 0..<shape.m {
                for j in 0..<product.ldc {
                    let index = i * product.ldc + j
                    guard j < shape.n else {
                        #expect(two[index] == product.c[index], "padding of C at row \(i) written")
                        continue
                    }
                    var sum = 0.0
                    for p in 0..<shape.k { sum += product.opA(i, p) * product.opB(p, j) }
                    let expected = Double(product.alpha) * sum + Double(product.beta) * Double(product.c[index])
                    worst = max(worst, abs(Double(two[index]) - expected))
                }
            }
            #expect(worst < 1e-3, "transposes \(transposeA), \(transposeB): largest error \(worst)")
        }
    }

    /// With k beyond BLIS's k-block (a few hundred), one and two threads can agree to float
    /// rounding but not to the bit: here the whole product takes BLIS's packed path (its long
    /// side ≥ 512, CBLISGemm) and each half-height range the small-matrix path, which sums k
    /// in one pass where the packed path sums it block by block. Why a run resumed with
    /// another thread count rounds differently (README).
    @Test func largeKAgreesToRoundingOnOneAndTwoThreads() {
        let m = 1000, n = 200, k = 600
        var rng = RandomGenerator(seed: 11)
        let a = (0..<m * k).map { _ in rng.normal() }, b = (0..<k * n).map { _ in rng.normal() }
        func product(threads: Int) -> [Float] {
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(1) }  // what the other tests in this process expect
            var c = [Float](repeating: 0, count: m * n)
            BLAS.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0, c: &c, ldc: n)
            return c
        }
        let one = product(threads: 1), two = product(threads: 2)
        // Each entry is a sum of 600 products of unit normals (size about 25).
        let worst = zip(one, two).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-3, "one and two threads differ by \(worst)")
    }
}

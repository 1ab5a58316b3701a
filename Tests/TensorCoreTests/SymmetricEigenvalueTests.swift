import Foundation
import Testing
@testable import TensorCore

/// The eigensolver behind the effective-rank diagnostic, against spectra known in closed form.
@Suite struct SymmetricEigenvalueTests {
    /// Q·diag(λ)·Qᵀ with Q a product of three Householder reflections of seeded random vectors.
    static func rotated(_ spectrum: [Double], seed: UInt64) -> [Double] {
        let n = spectrum.count
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { a[i * n + i] = spectrum[i] }
        var random = RandomGenerator(seed: seed)
        for _ in 0..<3 {
            var v = (0..<n).map { _ in Double(random.normal()) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = v.map { $0 / norm }
            // A ← HAH with H = I − 2vvᵀ, as (I − 2vvᵀ)A then A(I − 2vvᵀ).
            for side in 0..<2 {
                var w = [Double](repeating: 0, count: n)
                for i in 0..<n { for j in 0..<n { w[j] += v[i] * (side == 0 ? a[i * n + j] : a[j * n + i]) } }
                for i in 0..<n { for j in 0..<n {
                    if side == 0 { a[i * n + j] -= 2 * v[i] * w[j] } else { a[j * n + i] -= 2 * v[i] * w[j] }
                } }
            }
        }
        return a
    }

    @Test(arguments: [1, 2, 3, 37, 130])
    func recoversARotatedSpectrum(n: Int) throws {
        // Distinct, repeated, negative and zero eigenvalues.
        let spectrum: [Double] = (0..<n).map { (i: Int) -> Double in
            i % 5 == 0 ? 0 : Double(i % 7) - 2.5 + Double(i) / Double(n)
        }
        let values = try #require(SymmetricEigenvalues.of(Self.rotated(spectrum, seed: UInt64(n)), n: n))
        #expect(values.count == n)
        let tolerance = 1e-10 * max(spectrum.map { Swift.abs($0) }.max() ?? 1, 1)
        for (found, expected) in zip(values, spectrum.sorted()) {
            #expect(Swift.abs(found - expected) <= tolerance, "n \(n): \(found) against \(expected)")
        }
    }

    @Test func secondDifferenceMatrixHasItsClosedForm() throws {
        // Tridiagonal 2, −1: eigenvalues 2 − 2cos(kπ/(n+1)), k = 1…n.
        let n = 64
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            a[i * n + i] = 2
            if i + 1 < n { a[i * n + i + 1] = -1; a[(i + 1) * n + i] = -1 }
        }
        let values = try #require(SymmetricEigenvalues.of(a, n: n))
        for (k, value) in values.enumerated() {
            #expect(abs(value - (2 - 2 * cos(Double(k + 1) * .pi / Double(n + 1)))) < 1e-12)
        }
    }

    @Test func readsOnlyTheUpperTriangleAndLeavesTheInputAlone() throws {
        // [[2, 1], [·, 2]] → 1 and 3, whatever the lower triangle holds.
        let a: [Double] = [2, 1, 99, 2]
        let values = try #require(SymmetricEigenvalues.of(a, n: 2))
        #expect(Swift.abs(values[0] - 1) < 1e-14 && Swift.abs(values[1] - 3) < 1e-14, "\(values)")
        #expect(a == [2, 1, 99, 2])
        #expect(SymmetricEigenvalues.of([], n: 0) == [])
        #expect(SymmetricEigenvalues.of([1, 2, 3], n: 2) == nil)
    }

    @Test func nonFiniteEntriesAreRefused() {
        #expect(SymmetricEigenvalues.of([1, .nan, .nan, 1], n: 2) == nil)
        #expect(SymmetricEigenvalues.of([.infinity, 0, 0, 1], n: 2) == nil)
    }

    @Test func blasReportsWhichLibraryAndKernelItUses() {
        #expect(["BLIS", "OpenBLAS"].contains(BLAS.library))
        #expect(!BLAS.coreName.isEmpty)
        BLAS.setThreadCount(2)
        #expect(BLAS.threadCount == 2)
        BLAS.setThreadCount(1)  // what the other tests in this process expect
    }
}

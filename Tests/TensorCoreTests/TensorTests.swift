import Testing
@testable import TensorCore

@Suite struct TensorTests {
    @Test func resizeKeepsStorageWhenItFits() {
        let t = Tensor(shape: [4, 8])
        let before = t.data
        t.resize(rows: 2, columns: 8)
        #expect(t.data == before)
        #expect(t.count == 16)
        t.resize(rows: 8, columns: 8)
        #expect(t.count == 64)
        #expect(t.capacity >= 64)
    }

    @Test func gemmMatchesHandComputedProduct() {
        // A = [[1,2,3],[4,5,6]], B = [[1,0],[0,1],[1,1]] → AB = [[4,5],[10,11]]
        let a: [Float] = [1, 2, 3, 4, 5, 6], b: [Float] = [1, 0, 0, 1, 1, 1]
        var c = [Float](repeating: 0, count: 4)
        BLAS.gemm(m: 2, n: 2, k: 3, a: a, b: b, c: &c)
        #expect(c == [4, 5, 10, 11])
        // Aᵀ·A with transposeA: [[17,22,27],[22,29,36],[27,36,45]]
        var d = [Float](repeating: 0, count: 9)
        BLAS.gemm(transposeA: true, m: 3, n: 3, k: 2, a: a, b: a, c: &d)
        #expect(d == [17, 22, 27, 22, 29, 36, 27, 36, 45])
        // A·Aᵀ with transposeB: [[14,32],[32,77]]
        var e = [Float](repeating: 0, count: 4)
        BLAS.gemm(transposeB: true, m: 2, n: 2, k: 3, a: a, b: a, c: &e)
        #expect(e == [14, 32, 32, 77])
    }

    @Test(arguments: [0, 1, 15, 16, 17, 512, 1000])
    func normMatchesADoublePrecisionSum(count: Int) {
        var rng = RandomGenerator(seed: UInt64(count))
        let x = (0..<count).map { _ in rng.normal() * 3 }
        let expected = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let norm = x.withUnsafeBufferPointer { BLAS.norm(count: count, $0.baseAddress!) }
        #expect(abs(Double(norm) - expected) <= 1e-6 * max(expected, 1))
    }

    @Test func randomGeneratorIsReproducibleAndRestorable() {
        var a = RandomGenerator(seed: 42)
        var b = RandomGenerator(seed: 42)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        let saved = a.stateWords
        let next = a.next()
        var restored = RandomGenerator(state: saved)
        #expect(restored.next() == next)
        var c = RandomGenerator(seed: 43)
        #expect(c.next() != first[0])
    }

    @Test func uniformStaysInRangeWithTheRightMean() {
        var rng = RandomGenerator(seed: 7)
        var sum = 0.0
        for _ in 0..<100_000 {
            let u = rng.uniform()
            #expect(u >= 0 && u < 1)
            sum += Double(u)
        }
        #expect(abs(sum / 100_000 - 0.5) < 0.01)
    }
}

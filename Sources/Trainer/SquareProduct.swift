import Foundation
import TensorCore

/// A large square sgemm (2·n³ operations per call): this machine's matrix-product peak, the
/// reference a training step's GFLOPS are read against (`bench-step --peak`, `make bench`).
public final class SquareProduct {
    public let n: Int
    private let a: Tensor, b: Tensor, c: Tensor

    public init(n: Int = 4096) {
        self.n = n
        var rng = RandomGenerator(seed: 2)
        a = Tensor(shape: [n, n])
        b = Tensor(shape: [n, n])
        c = Tensor(shape: [n, n])
        for i in 0..<(n * n) {
            a.data[i] = rng.normal()
            b.data[i] = rng.normal()
        }
    }

    /// Floating-point operations of one `multiply()`.
    public var flops: Double { 2 * Double(n) * Double(n) * Double(n) }

    /// C = A·B, once.
    public func multiply() {
        BLAS.gemm(m: n, n: n, k: n, a: a.data, b: b.data, c: c.data)
    }

    /// GFLOPS of one call, timed (warm the buffers with a `multiply()` first).
    public func timedGigaflops() -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        multiply()
        return flops / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) / 1e9
    }
}

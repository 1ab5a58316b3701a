import TensorCore
@testable import Trainer

/// Finite-difference checks: for a random projection r of the output, compares the
/// analytic gradient of L = Σ r·f(x) (from `backward`) with central differences in x
/// and in every parameter. Returns the worst relative error ‖a − n‖ / (‖a‖ + ‖n‖).
enum GradientCheck {
    static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        var diff: Double = 0, na: Double = 0, nb: Double = 0
        for (x, y) in zip(a, b) {
            diff += Double(x - y) * Double(x - y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return Float(diff.squareRoot() / max(na.squareRoot() + nb.squareRoot(), 1e-12))
    }

    /// Checks `layer` at `input`; `probes` limits how many coordinates are perturbed per tensor.
    static func check(_ layer: Layer, input: Tensor, training: Bool = true, epsilon: Float = 1e-2,
                      probes: Int = 40, seed: UInt64 = 3) -> (input: Float, parameters: Float) {
        var rng = RandomGenerator(seed: seed)
        let output = layer.forward(input, training: training)
        let projection = Tensor(shape: output.shape)
        for i in 0..<projection.count { projection[i] = rng.uniform(-1, 1) }
        func loss() -> Double {
            let y = layer.forward(input, training: training)
            var total = 0.0
            for i in 0..<y.count { total += Double(y[i]) * Double(projection[i]) }
            return total
        }
        for p in layer.parameters { p.accumulatedGradient().zero() }
        _ = layer.forward(input, training: training)
        let analyticInput = layer.backward(projection, needsInputGradient: true)?.array ?? []
        let analyticParameters = layer.parameters.map { $0.accumulatedGradient().array }

        func numeric(_ tensor: Tensor, _ indices: [Int]) -> [Float] {
            indices.map { i in
                let saved = tensor[i]
                tensor[i] = saved + epsilon
                let plus = loss()
                tensor[i] = saved - epsilon
                let minus = loss()
                tensor[i] = saved
                return Float((plus - minus) / Double(2 * epsilon))
            }
        }
        func sample(_ count: Int) -> [Int] {
            count <= probes ? Array(0..<count) : (0..<probes).map { _ in rng.below(count) }
        }
        let inputIndices = sample(input.count)
        let inputError = relativeError(inputIndices.map { analyticInput[$0] }, numeric(input, inputIndices))
        var parameterError: Float = 0
        for (p, analytic) in zip(layer.parameters, analyticParameters) {
            let indices = sample(p.value.count)
            let error = relativeError(indices.map { analytic[$0] }, numeric(p.value, indices))
            if error > 1e-2 { print("gradient check: \(p.name) \(p.value.shape) relative error \(error)") }
            parameterError = max(parameterError, error)
        }
        return (inputError, parameterError)
    }

    /// A tensor of uniform values in ±`scale`, kept at least `margin` away from zero
    /// (so a finite difference does not step across a ReLU kink).
    static func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1, margin: Float = 0) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let t = Tensor(shape: shape)
        for i in 0..<t.count {
            let magnitude = rng.uniform(margin, scale)
            t[i] = rng.bernoulli(0.5) ? magnitude : -magnitude
        }
        return t
    }
}

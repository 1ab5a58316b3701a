import Foundation
import TensorCore

/// The linear evaluation protocol: multinomial logistic regression on frozen, standardised
/// representations, fitted on the whole training set to convergence by L-BFGS (the products
/// through BLAS), scored as top-1 accuracy on the test set.
public struct LinearProbe: Sendable, Equatable {
    /// Upper bound on L-BFGS iterations, a guard: the fit stops when it has converged.
    public var iterations: Int
    /// L2 penalty on the weights (not the bias), which keeps separable data well posed.
    public var l2: Float
    /// Converged when the largest entry of the mean loss's gradient is below this (or when an
    /// iteration improves the objective by less than 1e-9 of its value).
    public var tolerance: Double
    /// Whether L-BFGS starts its directions from the features' correlation metric
    /// (`ProbePreconditioner`) instead of the identity: the same optimum in about a fifth of
    /// the iterations.
    public var preconditioned: Bool

    public init(iterations: Int = 1000, l2: Float = 1e-4, tolerance: Double = 1e-5, preconditioned: Bool = true) {
        self.iterations = iterations
        self.l2 = l2
        self.tolerance = tolerance
        self.preconditioned = preconditioned
    }

    /// The probe of builds before 2026-12-04: plain L-BFGS stopped after 100 iterations,
    /// usually far from converged (docs/performance.md). Kept for comparisons.
    public static let hundredPlainIterations = LinearProbe(iterations: 100, tolerance: 1e-5, preconditioned: false)

    /// How the probe is fitted, in words, for run.json (the words of the older builds for
    /// `hundredPlainIterations`, so the runs they started are recognised).
    public var description: String {
        if self == .hundredPlainIterations {
            return "multinomial logistic regression on standardised frozen features, L-BFGS, 100 iterations, L2 1e-4"
        }
        return "multinomial logistic regression on standardised frozen features, L-BFGS"
            + (preconditioned ? " preconditioned by the features' correlation" : "")
            + ", until the largest gradient entry is below \(String(format: "%g", tolerance)) (at most \(iterations) iterations), L2 \(String(format: "%g", Double(l2)))"
    }

    /// The probe a run.json's `linear_probe` describes, when it is one this build can fit:
    /// a run resumed by a newer build keeps the probe it started with.
    public init?(described text: String) {
        guard let known = [LinearProbe(), .hundredPlainIterations].first(where: { $0.description == text }) else { return nil }
        self = known
    }

    /// Test accuracy in percent.
    public func accuracy(train: [Float], trainLabels: [Int], test: [Float], testLabels: [Int],
                         dimension d: Int, classCount c: Int) -> Double {
        evaluate(train: train, trainLabels: trainLabels, test: test, testLabels: testLabels, dimension: d, classCount: c).accuracy
    }

    /// Test accuracy in percent, with the iterations and objective evaluations the fit took.
    public func evaluate(train: [Float], trainLabels: [Int], test: [Float], testLabels: [Int],
                         dimension d: Int, classCount c: Int, start: Model? = nil) -> (accuracy: Double, iterations: Int, evaluations: Int, model: Model?) {
        guard !trainLabels.isEmpty, !testLabels.isEmpty, d > 0, c > 1 else { return (0, 0, 0, nil) }
        let (mean, scale) = Self.standardisation(train, dimension: d)
        let x = Self.standardised(train, mean: mean, scale: scale, dimension: d)
        let model = fit(x, labels: trainLabels, dimension: d, classCount: c, start: start)
        let t = Self.standardised(test, mean: mean, scale: scale, dimension: d)
        let predictions = model.predict(t, dimension: d)
        let correct = zip(predictions, testLabels).filter { $0 == $1 }.count
        return (100 * Double(correct) / Double(testLabels.count), model.iterations, model.evaluations, model)
    }

    /// Weights [d, C] and bias [C] of a fitted model.
    public struct Model: Sendable {
        public let weights: [Float]
        public let bias: [Float]
        public let classCount: Int
        /// L-BFGS iterations and objective evaluations the fit took.
        public var iterations = 0
        public var evaluations = 0

        /// The most probable class of every row of `x`.
        public func predict(_ x: [Float], dimension d: Int) -> [Int] {
            let n = x.count / max(d, 1)
            guard n > 0 else { return [] }
            var logits = [Float](repeating: 0, count: n * classCount)
            LinearProbe.logits(x, weights: weights, bias: bias, rows: n, dimension: d, classCount: classCount, into: &logits)
            return logits.withUnsafeBufferPointer { Kernels.argmaxRows($0.baseAddress!, rows: n, columns: classCount) }
        }
    }

    /// Fits the model on standardised rows by L-BFGS (10 pairs of history, Armijo backtracking),
    /// stopping when the gradient or the improvement becomes negligible.
    public func fit(_ x: [Float], labels: [Int], dimension d: Int, classCount c: Int, start: Model? = nil) -> Model {
        let objective = ProbeObjective(x: x, labels: labels, dimension: d, classCount: c, l2: Double(l2))
        let preconditioner = preconditioned
            ? ProbePreconditioner(standardised: x, rows: labels.count, dimension: d, classCount: c, l2: Double(l2)) : nil
        let count = d * c + c
        var theta = [Double](repeating: 0, count: count)
        var (value, gradient) = objective.evaluate(theta)
        var evaluations = 1
        // A start is taken only where it is better than zero: after the first epoch the
        // features move so much that the random network's solution can be the worse one.
        if let start, start.weights.count == d * c, start.bias.count == c {
            var warm = theta
            for i in 0..<(d * c) { warm[i] = Double(start.weights[i]) }
            for j in 0..<c { warm[d * c + j] = Double(start.bias[j]) }
            let there = objective.evaluate(warm)
            evaluations += 1
            if there.value < value { (theta, value, gradient) = (warm, there.value, there.gradient) }
        }
        var iterationsDone = 0
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        for iteration in 0..<max(1, iterations) {
            // Two-loop recursion: direction = −H·g.
            var q = gradient
            var alphas = [Double](repeating: 0, count: history.count)
            for (i, pair) in history.enumerated().reversed() {
                alphas[i] = pair.rho * dot(pair.s, q)
                for j in 0..<count { q[j] -= alphas[i] * pair.y[j] }
            }
            if let last = history.last {
                var py = last.y
                preconditioner?.apply(&py)
                let gamma = dot(last.s, last.y) / max(dot(last.y, py), 1e-300)
                preconditioner?.apply(&q)
                for j in 0..<count { q[j] *= gamma }
            } else {
                preconditioner?.apply(&q)
                let norm = dot(q, q).squareRoot()
                for j in 0..<count { q[j] /= max(norm, 1e-12) }
            }
            for (i, pair) in history.enumerated() {
                let beta = pair.rho * dot(pair.y, q)
                for j in 0..<count { q[j] += (alphas[i] - beta) * pair.s[j] }
            }
            var slope = -dot(gradient, q)
            if slope >= 0 {  // not a descent direction: restart from the gradient
                history.removeAll()
                q = gradient
                slope = -dot(gradient, gradient)
            }
            var step = 1.0
            var candidate = theta, next = (value: value, gradient: gradient)
            for _ in 0..<30 {
                for j in 0..<count { candidate[j] = theta[j] - step * q[j] }
                next = objective.evaluate(candidate)
                evaluations += 1
                if next.value <= value + 1e-4 * step * slope { break }
                step *= 0.5
            }
            let s = (0..<count).map { candidate[$0] - theta[$0] }
            let y = (0..<count).map { next.gradient[$0] - gradient[$0] }
            let sy = dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > 10 { history.removeFirst() }
            }
            let improvement = value - next.value
            theta = candidate
            value = next.value
            gradient = next.gradient
            iterationsDone += 1
            let gradientNorm = gradient.reduce(0) { max($0, abs($1)) }
            if gradientNorm < tolerance || (iteration > 0 && improvement < 1e-9 * max(1, abs(value))) { break }
        }
        return Model(weights: theta[0..<(d * c)].map(Float.init), bias: theta[(d * c)...].map(Float.init), classCount: c,
                     iterations: iterationsDone, evaluations: evaluations)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    /// logits[n, C] = x[n, d] · W[d, C] + b.
    static func logits(_ x: [Float], weights: [Float], bias: [Float], rows n: Int, dimension d: Int,
                       classCount c: Int, into out: inout [Float]) {
        for r in 0..<n { for j in 0..<c { out[r * c + j] = bias[j] } }
        x.withUnsafeBufferPointer { xp in
            weights.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { o in
                    BLAS.gemm(m: n, n: c, k: d, a: xp.baseAddress!, b: wp.baseAddress!, beta: 1, c: o.baseAddress!)
                }
            }
        }
    }

    /// Per-dimension mean and 1/std of the rows (std floored, so constant features stay 0).
    static func standardisation(_ x: [Float], dimension d: Int) -> (mean: [Float], scale: [Float]) {
        let n = x.count / d
        var mean = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        for r in 0..<n {
            for j in 0..<d {
                let v = Double(x[r * d + j])
                mean[j] += v
                squares[j] += v * v
            }
        }
        var scale = [Float](repeating: 1, count: d)
        for j in 0..<d {
            mean[j] /= Double(max(n, 1))
            let variance = max(squares[j] / Double(max(n, 1)) - mean[j] * mean[j], 0)
            scale[j] = Float(1 / max(variance.squareRoot(), 1e-6))
        }
        return (mean.map(Float.init), scale)
    }

    static func standardised(_ x: [Float], mean: [Float], scale: [Float], dimension d: Int) -> [Float] {
        var out = x
        for i in 0..<out.count { out[i] = (out[i] - mean[i % d]) * scale[i % d] }
        return out
    }
}

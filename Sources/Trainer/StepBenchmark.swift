import Foundation
import TensorCore

/// Times the real training step of a method on the reference workloads, split into its
/// phases: the two augmented views, the method's forward/loss/backward, and the update
/// (SGD, then the method's momentum network or queue).
public struct StepBenchmark {
    /// Median milliseconds per phase over the timed steps.
    public struct Result: Sendable {
        public var augmentation = 0.0, gradients = 0.0, update = 0.0
        public var total: Double { augmentation + gradients + update }
        public var imagesPerSecond = 0.0
    }

    public let method: MethodKind
    public let backbone: Backbone
    public let batch: Int

    public init(method: MethodKind = .byol, backbone: Backbone, batch: Int) {
        self.method = method
        self.backbone = backbone
        self.batch = batch
    }

    /// Runs `warmup` untimed steps then `steps` timed ones on `data`.
    public func run(on data: Dataset, steps: Int, warmup: Int = 2) -> Result {
        var rng = RandomGenerator(seed: 1)
        let trainer = MethodFactory.make(method, settings: MethodSettings(), backbone: backbone,
                                         imageSide: data.side, classCount: data.classCount, rng: &rng)
        let optimizer = SGD(parameters: trainer.optimisedParameters)
        let augmenter = Augmenter(recipe: .forBackbone(backbone), side: data.side, mean: data.mean, std: data.std)
        let views = Tensor(shape: [0, 0])
        var indices = Array(0..<data.train.count)
        rng.shuffle(&indices)
        var phases: [[Double]] = [[], [], []]
        let n = min(batch, data.train.count)
        for step in 0..<(warmup + steps) {
            let start = (step * n) % max(1, data.train.count - n)
            let batchIndices = indices[start..<(start + n)]
            let labels = batchIndices.map { data.train.labels[$0] }
            var t = DispatchTime.now().uptimeNanoseconds
            func lap(_ phase: Int) {
                let now = DispatchTime.now().uptimeNanoseconds
                if step >= warmup { phases[phase].append(Double(now - t) / 1e6) }
                t = now
            }
            augmenter.makeViews(of: data.train, indices: batchIndices, into: views, rng: &rng)
            lap(0)
            optimizer.zeroGradients()
            _ = trainer.computeGradients(views: views, labels: labels[...])
            lap(1)
            optimizer.step(learningRate: RunConfig.referenceLearningRate(batch: n))
            trainer.afterUpdate(progress: Double(step) / Double(warmup + steps))
            lap(2)
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        var result = Result()
        result.augmentation = median(phases[0])
        result.gradients = median(phases[1])
        result.update = median(phases[2])
        result.imagesPerSecond = result.total > 0 ? Double(n) / (result.total / 1000) : 0
        return result
    }
}

import Evaluation
import TensorCore

/// End-of-epoch evaluation: representations of the un-augmented train and test images
/// (backbone in evaluation mode), then kNN and linear-probe accuracy and class divergence.
public struct Evaluator {
    public let data: Dataset
    let augmenter: Augmenter
    let knn = KNNClassifier()
    public var probe = LinearProbe()
    /// Images per forward pass.
    let chunk = 1000

    /// What `evaluate` does, in words and numbers, for run.json and figure captions.
    public func evaluationProtocol(dimension: Int, probeEvery: Int? = nil) -> EvaluationProtocol {
        var p = EvaluationProtocol.reference(dimension: dimension)
        p.knnK = knn.k
        p.knnTemperature = Double(knn.temperature)
        p.linearProbe = probe.description
        p.linearProbeEvery = probeEvery
        return p
    }

    public init(data: Dataset, augmenter: Augmenter) {
        self.data = data
        self.augmenter = augmenter
    }

    /// Backbone outputs of every image of `set`, row after row.
    public func representations(of backbone: Sequential, set: ImageSet, input: Tensor) -> [Float] {
        var out: [Float] = []
        for start in stride(from: 0, to: set.count, by: chunk) {
            augmenter.normalise(set, indices: start..<min(set.count, start + chunk), into: input)
            let y = backbone.forward(input, training: false)
            out.append(contentsOf: UnsafeBufferPointer(start: y.data, count: y.count))
        }
        return out
    }

    /// Fills the accuracy, divergence and collapse fields of `metrics`; returns the class-centre distances.
    /// Without `probing`, the linear probe is skipped and `linearTop1` stays nil.
    @discardableResult
    public func evaluate(_ backbone: Sequential, projector: Sequential? = nil, dimension: Int, probing: Bool = true,
                         into metrics: inout EpochMetrics) -> [Double] {
        var timings = EvaluationTimings()
        return evaluate(backbone, projector: projector, dimension: dimension, probing: probing, into: &metrics, timings: &timings)
    }

    /// `evaluate`, adding the seconds of each part to `timings`.
    @discardableResult
    public func evaluate(_ backbone: Sequential, projector: Sequential? = nil, dimension: Int, probing: Bool = true,
                         into metrics: inout EpochMetrics, timings: inout EvaluationTimings) -> [Double] {
        let input = Tensor(shape: [0, 0])
        let train = timed(&timings.trainForward) { representations(of: backbone, set: data.train, input: input) }
        let test = timed(&timings.testForward) { representations(of: backbone, set: data.test, input: input) }
        metrics.knnTop1 = timed(&timings.knn) {
            knn.accuracy(train: train, trainLabels: data.train.labels, test: test,
                         testLabels: data.test.labels, dimension: dimension, classCount: data.classCount)
        }
        if probing {
            let fit = timed(&timings.probe) {
                probe.evaluate(train: train, trainLabels: data.train.labels, test: test, testLabels: data.test.labels,
                               dimension: dimension, classCount: data.classCount)
            }
            metrics.linearTop1 = fit.accuracy
            timings.probeIterations += fit.iterations
            timings.probeEvaluations += fit.evaluations
        }
        let distances = timed(&timings.divergence) {
            let distances = ClusteringDiagnostics.centreDistances(test, labels: data.test.labels, dimension: dimension,
                                                                  classCount: data.classCount)
            metrics.classDivergence = ClusteringDiagnostics.classDivergence(distances: distances, classCount: data.classCount)
            return distances
        }
        timed(&timings.health) {
            metrics.repStd = RepresentationHealth.normalisedStd(test, rows: data.test.count, dimension: dimension)
            metrics.effectiveRank = RepresentationHealth.effectiveRank(test, rows: data.test.count, dimension: dimension)
            metrics.collapsed = RepresentationHealth.isCollapsed(std: metrics.repStd, effectiveRank: metrics.effectiveRank, dimension: dimension)
        }
        if let projector {
            timed(&timings.embedding) {
                let embedding = embeddings(of: test, rows: data.test.count, dimension: dimension, through: projector)
                let size = embedding.count / max(data.test.count, 1)
                metrics.embeddingStd = RepresentationHealth.normalisedStd(embedding, rows: data.test.count, dimension: size)
                metrics.embeddingRank = RepresentationHealth.effectiveRank(embedding, rows: data.test.count, dimension: size)
                metrics.collapsed = metrics.collapsed
                    || RepresentationHealth.isCollapsed(std: metrics.embeddingStd, effectiveRank: metrics.embeddingRank, dimension: size)
            }
        }
        return distances
    }
}

extension Evaluator {
    /// `head` applied (in evaluation mode) to representations, a chunk of rows at a time.
    func embeddings(of representations: [Float], rows: Int, dimension: Int, through head: Sequential) -> [Float] {
        var out: [Float] = []
        let input = Tensor(shape: [0, 0])
        for start in stride(from: 0, to: rows, by: chunk) {
            let count = min(chunk, rows - start)
            input.resize(rows: count, columns: dimension)
            representations.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { input.data.update(from: base + start * dimension, count: count * dimension) }
            }
            let y = head.forward(input, training: false)
            out.append(contentsOf: UnsafeBufferPointer(start: y.data, count: y.count))
        }
        return out
    }

    /// kNN and linear-probe accuracy of the normalised pixels themselves: the baseline
    /// every method must beat (computed once per data set and process, see `PixelBaselines`).
    public func pixelAccuracies() -> (knn: Double, linear: Double) {
        let input = Tensor(shape: [0, 0])
        func pixels(_ set: ImageSet) -> [Float] {
            augmenter.normalise(set, indices: 0..<set.count, into: input)
            return input.array
        }
        let train = pixels(data.train), test = pixels(data.test), d = data.shape.values
        let knnAccuracy = knn.accuracy(train: train, trainLabels: data.train.labels, test: test,
                                       testLabels: data.test.labels, dimension: d, classCount: data.classCount)
        let linearAccuracy = probe.accuracy(train: train, trainLabels: data.train.labels, test: test,
                                            testLabels: data.test.labels, dimension: d, classCount: data.classCount)
        return (knnAccuracy, linearAccuracy)
    }
}

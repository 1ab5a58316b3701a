import TensorCore
import Vocabulary

/// MoCo v2: queries from the online encoder, keys from its momentum copy, negatives from a
/// FIFO queue of past keys; both view orders are used as queries.
public final class MoCoMethod: TrainingMethod {
    public let kind = MethodKind.moco
    public let backbone: Sequential
    private let encoder: Sequential
    private let keyEncoder: Sequential
    private let normalise = L2Normalize()
    private let loss: InfoNCELoss
    private let momentum: Float
    /// [K, d] normalised keys; row `queueHead` is overwritten next.
    let queue: Tensor
    private var queueLabels: [Int]
    private var queueHead = 0
    private let keys = Tensor(shape: [0, 0])
    private let swappedKeys = Tensor(shape: [0, 0])
    private let keyNorms = Tensor(shape: [0])
    private var viewLabels: [Int] = []

    init(backbone: Sequential, projector: Sequential, settings: MethodSettings, rng: inout RandomGenerator) {
        self.backbone = backbone
        encoder = Sequential([backbone, projector])
        keyEncoder = MovingAverage.makeTarget(of: encoder)
        loss = InfoNCELoss(temperature: settings.mocoTemperature)
        momentum = settings.targetMomentum
        let size = max(1, settings.queueSize), d = 128
        queue = Tensor(shape: [size, d])
        for i in 0..<queue.count { queue[i] = rng.normal() }
        let norms = Tensor(shape: [size])
        Kernels.normaliseRows(queue.data, into: queue.data, norms: norms.data, rows: size, columns: d)
        queueLabels = [Int](repeating: -1, count: size)
    }

    public var projector: Sequential? { encoder.layers.last as? Sequential }
    public var optimisedParameters: [Parameter] { encoder.parameters }
    public var stateTensors: [Tensor] {
        encoder.parameters.map(\.value) + encoder.buffers + keyEncoder.parameters.map(\.value) + keyEncoder.buffers + [queue]
    }
    public var stateIntegers: [Int] {
        get { [queueHead] + queueLabels }
        set {
            guard newValue.count == queueLabels.count + 1 else { return }
            queueHead = newValue[0]
            queueLabels = Array(newValue.dropFirst())
        }
    }

    public func computeGradients(views: Tensor, labels: ArraySlice<Int>) -> StepOutcome {
        let m = views.rows, n = labels.count
        if viewLabels.count != m { viewLabels = [Int](repeating: 0, count: m) }
        for r in 0..<m { viewLabels[r] = labels[labels.startIndex + r % n] }
        let rawKeys = keyEncoder.forward(views, training: true)
        keys.resize(rawKeys.shape)
        keyNorms.resize(count: m)
        Kernels.normaliseRows(rawKeys.data, into: keys.data, norms: keyNorms.data, rows: m, columns: rawKeys.rowSize)
        swapViewHalves(keys, into: swappedKeys)
        let q = normalise.forward(encoder.forward(views, training: true), training: true)
        let value = loss(queries: q, keys: swappedKeys, queue: queue, queryLabels: viewLabels, queueLabels: queueLabels)
        if let g = normalise.backward(loss.gradient, needsInputGradient: true) {
            _ = encoder.backward(g, needsInputGradient: false)
        }
        enqueue(swappedKeys)
        return StepOutcome(loss: value, prOmegaMeasured: loss.prOmegaMeasured)
    }

    public func afterUpdate(progress: Double) {
        MovingAverage.update(target: keyEncoder, from: encoder, momentum: momentum)
    }

    /// Replaces the oldest queue rows with this step's keys (and their labels).
    private func enqueue(_ newKeys: Tensor) {
        let size = queue.rows, d = queue.rowSize
        for r in 0..<newKeys.rows {
            (queue.data + queueHead * d).update(from: newKeys.data + r * d, count: d)
            queueLabels[queueHead] = viewLabels[(r + newKeys.rows / 2) % newKeys.rows]
            queueHead = (queueHead + 1) % size
        }
    }
}

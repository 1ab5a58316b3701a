import TensorCore

/// Mean over all pixels of [N, H, W, C] images, giving [N, C].
public final class GlobalAveragePool: Layer {
    public let channels: Int
    private let output = Tensor(shape: [0, 0])
    private let inputGradient = Tensor(shape: [0])
    private var inputShape: [Int] = []

    public init(channels: Int) { self.channels = channels }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = input.rows
        let pixels = input.count / (batch * channels)
        inputShape = input.shape
        output.resize(rows: batch, columns: channels)
        output.zero()
        let x = input.data, y = output.data
        let inverse = 1 / Float(pixels)
        for n in 0..<batch {
            let out = y + n * channels
            for p in 0..<pixels {
                let row = x + (n * pixels + p) * channels
                for j in 0..<channels { out[j] += row[j] }
            }
            for j in 0..<channels { out[j] *= inverse }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        inputGradient.resize(inputShape)
        let batch = inputGradient.rows
        let pixels = inputGradient.count / (batch * channels)
        let inverse = 1 / Float(pixels)
        let dx = inputGradient.data, dy = outputGradient.data
        for n in 0..<batch {
            let g = dy + n * channels
            for p in 0..<pixels {
                let row = dx + (n * pixels + p) * channels
                for j in 0..<channels { row[j] = g[j] * inverse }
            }
        }
        return inputGradient
    }

    public func copy() -> Layer { GlobalAveragePool(channels: channels) }
}

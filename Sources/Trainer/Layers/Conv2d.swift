import TensorCore

/// 3×3 convolution, stride 1, zero padding 1, on images in [N, H, W, C] layout.
///
/// Lowered to one matrix product: im2col gathers every pixel's 3×3×C neighbourhood
/// into a row, and the rows are multiplied by the [out, 9·C] weight matrix.
public final class Conv2d: Layer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let height: Int
    public let width: Int
    public let weight: Parameter
    public let bias: Parameter?
    private let columns = Tensor(shape: [0, 0])
    private let columnGradient = Tensor(shape: [0, 0])
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var batch = 0

    static let kernel = 3

    /// A convolution for `height × width` images, initialised like PyTorch's `nn.Conv2d`.
    public init(inputChannels: Int, outputChannels: Int, height: Int, width: Int,
                bias: Bool = false, rng: inout RandomGenerator) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.height = height
        self.width = width
        let fanIn = Conv2d.kernel * Conv2d.kernel * inputChannels
        weight = Parameter(name: "conv.weight", shape: [outputChannels, fanIn], isWeight: true)
        self.bias = bias ? Parameter(name: "conv.bias", shape: [outputChannels], isWeight: false) : nil
        let bound = 1 / Float(fanIn).squareRoot()
        initialiseUniform(weight.value, bound: bound, rng: &rng)
        if let b = self.bias { initialiseUniform(b.value, bound: bound, rng: &rng) }
    }

    private init(copying other: Conv2d) {
        inputChannels = other.inputChannels
        outputChannels = other.outputChannels
        height = other.height
        width = other.width
        weight = other.weight.copy()
        bias = other.bias?.copy()
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    private var patchSize: Int { Conv2d.kernel * Conv2d.kernel * inputChannels }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        batch = input.count / (height * width * inputChannels)
        let pixels = batch * height * width
        columns.resize(rows: pixels, columns: patchSize)
        gatherPatches(from: input.data)
        output.resize(batch: batch, height: height, width: width, channels: outputChannels)
        if let bias {
            for p in 0..<pixels {
                (output.data + p * outputChannels).update(from: bias.value.data, count: outputChannels)
            }
        }
        BLAS.gemm(transposeB: true, m: pixels, n: outputChannels, k: patchSize,
                  a: columns.data, b: weight.value.data, beta: bias == nil ? 0 : 1, c: output.data)
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let pixels = batch * height * width
        BLAS.gemm(transposeA: true, m: outputChannels, n: patchSize, k: pixels,
                  a: outputGradient.data, b: columns.data, beta: 1, c: weight.gradient.data)
        if let bias {
            let g = bias.gradient.data
            for p in 0..<pixels {
                let row = outputGradient.data + p * outputChannels
                for j in 0..<outputChannels { g[j] += row[j] }
            }
        }
        guard needsInputGradient else { return nil }
        columnGradient.resize(rows: pixels, columns: patchSize)
        BLAS.gemm(m: pixels, n: patchSize, k: outputChannels,
                  a: outputGradient.data, b: weight.value.data, c: columnGradient.data)
        inputGradient.resize(batch: batch, height: height, width: width, channels: inputChannels)
        inputGradient.zero()
        scatterPatches(into: inputGradient.data)
        return inputGradient
    }

    public func copy() -> Layer { Conv2d(copying: self) }

    /// im2col: row (n, y, x) holds the 3×3×C neighbourhood, zero outside the image.
    private func gatherPatches(from x: UnsafeMutablePointer<Float>) {
        let c = inputChannels, h = height, w = width, patch = patchSize
        let cols = columns.data
        for n in 0..<batch {
            let image = x + n * h * w * c
            for y in 0..<h {
                for xx in 0..<w {
                    let row = cols + ((n * h + y) * w + xx) * patch
                    for ky in 0..<3 {
                        let sy = y + ky - 1
                        for kx in 0..<3 {
                            let sx = xx + kx - 1
                            let destination = row + (ky * 3 + kx) * c
                            if sy < 0 || sy >= h || sx < 0 || sx >= w {
                                destination.update(repeating: 0, count: c)
                            } else {
                                destination.update(from: image + (sy * w + sx) * c, count: c)
                            }
                        }
                    }
                }
            }
        }
    }

    /// col2im: adds each row's neighbourhood gradient back onto the input pixels.
    private func scatterPatches(into dx: UnsafeMutablePointer<Float>) {
        let c = inputChannels, h = height, w = width, patch = patchSize
        let cols = columnGradient.data
        for n in 0..<batch {
            let image = dx + n * h * w * c
            for y in 0..<h {
                for xx in 0..<w {
                    let row = cols + ((n * h + y) * w + xx) * patch
                    for ky in 0..<3 {
                        let sy = y + ky - 1
                        guard sy >= 0 && sy < h else { continue }
                        for kx in 0..<3 {
                            let sx = xx + kx - 1
                            guard sx >= 0 && sx < w else { continue }
                            let source = row + (ky * 3 + kx) * c
                            let target = image + (sy * w + sx) * c
                            for j in 0..<c { target[j] += source[j] }
                        }
                    }
                }
            }
        }
    }
}

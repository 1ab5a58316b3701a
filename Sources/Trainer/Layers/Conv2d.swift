import CKernels
import TensorCore

/// 3×3 convolution, stride 1, zero padding 1, on images in [N, H, W, C] layout.
///
/// Lowered to matrix products: im2col gathers every pixel's 3×3×C neighbourhood into a row,
/// and the rows are multiplied by the [out, 9·C] weight matrix. The batch is processed a few
/// images at a time, so that the gathered rows (nine times the input) stay in the caches
/// between the gathering and the product instead of travelling to memory; the backward pass
/// gathers them again from the forward's input, which must not change in between (it does
/// not: a layer's output stays valid until that layer's next forward). A one-channel input
/// (the first layer) has nine-value patches, too thin for a matrix product: its output and
/// weight gradient are computed directly.
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
    /// The forward's input, gathered again chunk by chunk for the weight gradient.
    private var input: Tensor?
    /// Scratch of the direct one-channel path (transposed weights, per-part gradient sums), sized
    /// on first use. A class, so that handing its storage to C never copies it.
    private let directWork = Tensor(shape: [0])

    /// The direct path's scratch, at its size.
    private var directScratch: UnsafeMutablePointer<Float> {
        directWork.resize(count: Int(wb_conv3x3_single_work_size(Int64(outputChannels))))
        return directWork.data
    }

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

    /// Whole images per chunk: about 2 MB of gathered rows.
    private var imagesPerChunk: Int { max(1, (1 << 19) / (height * width * patchSize)) }

    /// Calls `body(firstImage, images)` for consecutive chunks of the batch.
    private func forEachChunk(_ body: (Int, Int) -> Void) {
        let chunk = imagesPerChunk
        for first in stride(from: 0, to: batch, by: chunk) { body(first, min(chunk, batch - first)) }
    }

    /// Gathers the patches of `images` images from `first` into `columns`.
    private func gather(from input: Tensor, first: Int, images: Int) {
        let imageSize = height * width * inputChannels
        wb_im2col_3x3(input.data + first * imageSize, Int64(images), Int64(height), Int64(width),
                      Int64(inputChannels), columns.data)
    }

    /// The one-channel layer's output and weight gradient skip the patches.
    private var isDirect: Bool { inputChannels == 1 }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        batch = input.count / (height * width * inputChannels)
        self.input = input
        let pixelsPerImage = height * width
        output.resize(batch: batch, height: height, width: width, channels: outputChannels)
        if isDirect {
            wb_conv3x3_single_forward(input.data, Int64(batch), Int64(height), Int64(width), weight.value.data,
                                      Int64(outputChannels), output.data, directScratch)
        } else {
            columns.resize(rows: min(imagesPerChunk, batch) * pixelsPerImage, columns: patchSize)
            forEachChunk { first, images in
                gather(from: input, first: first, images: images)
                BLAS.gemm(transposeB: true, m: images * pixelsPerImage, n: outputChannels, k: patchSize,
                          a: columns.data, b: weight.value.data,
                          c: output.data + first * pixelsPerImage * outputChannels)
            }
        }
        if let bias {
            let b = bias.value.data
            for p in 0..<(batch * pixelsPerImage) {
                let row = output.data + p * outputChannels
                for j in 0..<outputChannels { row[j] += b[j] }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let pixelsPerImage = height * width
        if let bias {
            let g = bias.accumulatedGradient().data
            for p in 0..<(batch * pixelsPerImage) {
                let row = outputGradient.data + p * outputChannels
                for j in 0..<outputChannels { g[j] += row[j] }
            }
        }
        guard let input else { preconditionFailure("Conv2d.backward called before forward") }
        if isDirect {
            wb_conv3x3_single_weight_gradient(input.data, outputGradient.data, Int64(batch), Int64(height),
                                              Int64(width), Int64(outputChannels), weight.accumulatedGradient().data,
                                              directScratch)
            // The direct path's weight gradient is done; only an input gradient needs the chunks.
            guard needsInputGradient else { return nil }
        }
        if needsInputGradient {
            columnGradient.resize(rows: min(imagesPerChunk, batch) * pixelsPerImage, columns: patchSize)
            inputGradient.resize(batch: batch, height: height, width: width, channels: inputChannels)
        }
        forEachChunk { first, images in
            let pixels = images * pixelsPerImage
            let dy = outputGradient.data + first * pixelsPerImage * outputChannels
            if !isDirect {
                gather(from: input, first: first, images: images)
                BLAS.gemm(transposeA: true, m: outputChannels, n: patchSize, k: pixels,
                          a: dy, b: columns.data, beta: 1, c: weight.accumulatedGradient().data)
            }
            guard needsInputGradient else { return }
            BLAS.gemm(m: pixels, n: patchSize, k: outputChannels, a: dy, b: weight.value.data, c: columnGradient.data)
            wb_col2im_3x3(columnGradient.data, Int64(images), Int64(height), Int64(width), Int64(inputChannels),
                          inputGradient.data + first * pixelsPerImage * inputChannels)
        }
        return needsInputGradient ? inputGradient : nil
    }

    public func copy() -> Layer { Conv2d(copying: self) }
}

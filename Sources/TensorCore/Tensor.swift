/// A dense, row-major block of `Float`s with a shape.
///
/// Layers own their output tensors and reuse them from step to step: `resize` changes
/// the shape in place and only reallocates when the new shape needs more room, so a
/// training step allocates nothing once the first batch has been seen.
public final class Tensor {
    /// The dimensions, outermost first (for images: batch, height, width, channels).
    public private(set) var shape: [Int]
    /// Number of elements in `shape`.
    public private(set) var count: Int
    /// Elements the storage can hold without reallocating.
    public private(set) var capacity: Int
    /// Start of the contiguous storage; valid for `count` elements.
    public private(set) var data: UnsafeMutablePointer<Float>

    /// A zero-filled tensor of the given shape.
    public init(shape: [Int]) {
        let n = Tensor.elementCount(shape)
        self.shape = shape
        self.count = n
        self.capacity = max(n, 1)
        self.data = .allocate(capacity: capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    /// A tensor holding `values`, which must have as many elements as `shape` describes.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        let n = min(values.count, count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { data.update(from: base, count: n) }
        }
    }

    deinit { data.deallocate() }

    /// Number of rows: the first dimension (the batch), or 1 for a scalar.
    public var rows: Int { shape.first ?? 1 }
    /// Elements per row: everything after the first dimension.
    public var rowSize: Int { rows == 0 ? 0 : count / rows }

    /// Gives the tensor a new shape, keeping storage when it is large enough.
    /// Contents are unspecified afterwards unless the element count is unchanged.
    public func resize(_ newShape: [Int]) {
        if newShape == shape { return }
        let n = Tensor.elementCount(newShape)
        if n > capacity {
            data.deallocate()
            capacity = n
            data = .allocate(capacity: n)
            data.initialize(repeating: 0, count: n)
        }
        shape = newShape
        count = n
    }

    /// Resizes to `rows × columns`, the common two-dimensional case. Like the other
    /// fixed-rank forms, it builds no shape array (no allocation) when the shape is unchanged,
    /// which is every call of a training step after the first.
    public func resize(rows: Int, columns: Int) {
        if shape.count == 2 && shape[0] == rows && shape[1] == columns { return }
        resize([rows, columns])
    }

    /// Resizes to a vector of `count` elements.
    public func resize(count n: Int) {
        if shape.count == 1 && shape[0] == n { return }
        resize([n])
    }

    /// Resizes to `batch × height × width × channels` (the convolution layout).
    public func resize(batch: Int, height: Int, width: Int, channels: Int) {
        if shape.count == 4 && shape[0] == batch && shape[1] == height && shape[2] == width && shape[3] == channels { return }
        resize([batch, height, width, channels])
    }

    /// Sets every element to zero.
    public func zero() { data.update(repeating: 0, count: count) }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// Copies shape and contents of `other` into this tensor.
    public func copy(from other: Tensor) {
        resize(other.shape)
        data.update(from: other.data, count: count)
    }

    /// A new tensor with the same shape and contents.
    public func clone() -> Tensor {
        let result = Tensor(shape: shape)
        result.data.update(from: data, count: count)
        return result
    }

    /// Element access by flat index.
    @inlinable public subscript(index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }

    /// The elements as an array (for tests, checkpoints and evaluation hand-off).
    public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The elements as a buffer, without copying.
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1) { $0 * Swift.max($1, 0) }
    }
}

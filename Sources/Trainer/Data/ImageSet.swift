/// Labelled images of one shape (`side × side`, 1 or 3 channels), values in [0, 1], stored
/// image after image, row after row, pixel after pixel with its channels together (the
/// [N, H, W, C] layout the convnet reads).
///
/// Files of bytes stay bytes (a value is byte / 255): STL-10's unlabeled split is 2.8 GB as
/// bytes and would be 11 GB as floats. Generated images that are not whole bytes are kept as
/// floats. Views become floats per batch, in the augmenter.
public struct ImageSet: Sendable {
    /// The values of all images, `count × side × side × channels`.
    public enum Storage: Sendable {
        /// Each value is byte / 255.
        case bytes([UInt8])
        /// Each value is in [0, 1].
        case floats([Float])
    }

    public let storage: Storage
    public let labels: [Int]
    /// Images are `side × side`.
    public let side: Int
    /// 1 (grey) or 3 (red, green, blue).
    public let channels: Int

    public init(pixels: [Float], labels: [Int], side: Int, channels: Int = 1) {
        storage = .floats(pixels)
        self.labels = labels
        self.side = side
        self.channels = channels
    }

    public init(bytes: [UInt8], labels: [Int], side: Int, channels: Int) {
        storage = .bytes(bytes)
        self.labels = labels
        self.side = side
        self.channels = channels
    }

    private init(storage: Storage, labels: [Int], side: Int, channels: Int) {
        self.storage = storage
        self.labels = labels
        self.side = side
        self.channels = channels
    }

    public var count: Int { labels.count }
    /// Values per image: side · side · channels.
    public var valuesPerImage: Int { side * side * channels }
    /// The shape of one image.
    public var shape: ImageShape { ImageShape(side: side, channels: channels) }
    /// Bytes the images take in memory.
    public var storageBytes: Int {
        switch storage {
        case .bytes(let b): b.count
        case .floats(let f): f.count * MemoryLayout<Float>.size
        }
    }

    /// Every value as a float in [0, 1] (a copy: for small sets, tests and statistics by hand).
    public var pixels: [Float] {
        switch storage {
        case .bytes(let b): b.map { Float($0) * (1 / 255) }
        case .floats(let f): f
        }
    }

    /// Value `index` (over the whole set) in [0, 1].
    public func value(at index: Int) -> Float {
        switch storage {
        case .bytes(let b): Float(b[index]) * (1 / 255)
        case .floats(let f): f[index]
        }
    }

    /// Calls `body` with the storage as a pixel source (valid only inside `body`).
    public func withSource<R>(_ body: (PixelStore) -> R) -> R {
        switch storage {
        case .bytes(let b):
            return b.withUnsafeBufferPointer { p in body(p.baseAddress.map { .bytes($0) } ?? .empty) }
        case .floats(let f):
            return f.withUnsafeBufferPointer { p in body(p.baseAddress.map { .floats($0) } ?? .empty) }
        }
    }

    /// The first `limit` images.
    public func prefix(_ limit: Int) -> ImageSet {
        let n = min(limit, count), values = n * valuesPerImage
        switch storage {
        case .bytes(let b): return ImageSet(storage: .bytes(Array(b[0..<values])), labels: Array(labels[0..<n]), side: side, channels: channels)
        case .floats(let f): return ImageSet(storage: .floats(Array(f[0..<values])), labels: Array(labels[0..<n]), side: side, channels: channels)
        }
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        let size = valuesPerImage
        func pick<T>(_ all: [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(indices.count * size)
            for i in indices { out += all[(i * size)..<((i + 1) * size)] }
            return out
        }
        let chosen = indices.map { labels[$0] }
        switch storage {
        case .bytes(let b): return ImageSet(storage: .bytes(pick(b)), labels: chosen, side: side, channels: channels)
        case .floats(let f): return ImageSet(storage: .floats(pick(f)), labels: chosen, side: side, channels: channels)
        }
    }
}

/// The side and channels of an image.
public struct ImageShape: Sendable, Equatable, Codable {
    public var side: Int
    public var channels: Int

    public init(side: Int, channels: Int = 1) {
        self.side = side
        self.channels = channels
    }

    /// Values per image.
    public var values: Int { side * side * channels }

    /// "32×32×3" or "28×28 grey".
    public var description: String { channels == 1 ? "\(side)×\(side) grey" : "\(side)×\(side)×\(channels)" }
}

/// Where an image set's values live, for the augmenter's inner loops.
public enum PixelStore {
    case bytes(UnsafePointer<UInt8>)
    case floats(UnsafePointer<Float>)
    case empty
}

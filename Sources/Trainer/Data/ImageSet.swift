/// Labelled grey images of one size, pixels in [0, 1], stored row after row.
public struct ImageSet: Sendable {
    /// Pixels of all images, `count × side × side`, each in [0, 1].
    public let pixels: [Float]
    public let labels: [Int]
    /// Images are `side × side`.
    public let side: Int

    public init(pixels: [Float], labels: [Int], side: Int) {
        self.pixels = pixels
        self.labels = labels
        self.side = side
    }

    public var count: Int { labels.count }
    public var pixelsPerImage: Int { side * side }

    /// The first `limit` images.
    public func prefix(_ limit: Int) -> ImageSet {
        let n = min(limit, count)
        return ImageSet(pixels: Array(pixels[0..<(n * pixelsPerImage)]), labels: Array(labels[0..<n]), side: side)
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        var out = [Float]()
        out.reserveCapacity(indices.count * pixelsPerImage)
        for i in indices { out += pixels[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)] }
        return ImageSet(pixels: out, labels: indices.map { labels[$0] }, side: side)
    }
}

/// A data set ready to train on: a train and a test split, the class names, and the
/// normalisation statistics applied to every view.
public struct Dataset: Sendable {
    /// "fmnist", "fmnist-20k", "synthetic", or the folder a user gave.
    public let name: String
    public let train: ImageSet
    public let test: ImageSet
    public let classNames: [String]
    public let mean: Float
    public let std: Float
    /// A short fingerprint of the pixels and labels (FNV-1a, hex), recorded in run files so
    /// that a run can tell whether it is resumed on the same data. Computed once here: it
    /// reads every pixel.
    public let checksum: String

    public init(name: String, train: ImageSet, test: ImageSet, classNames: [String], mean: Float, std: Float) {
        self.name = name
        self.train = train
        self.test = test
        self.classNames = classNames
        self.mean = mean
        self.std = std
        checksum = Self.fingerprint(train, test)
    }

    public var classCount: Int { classNames.count }

    /// The same data set with only the first `limit` training images (nil: unchanged).
    public func limitingTrain(to limit: Int?) -> Dataset {
        guard let limit, limit < train.count else { return self }
        return Dataset(name: name, train: train.prefix(limit), test: test, classNames: classNames, mean: mean, std: std)
    }
    public var side: Int { train.side }

    /// Why runs on this data set could not be evaluated (kNN, probe and divergence need test
    /// images and at least two classes on each side), or nil.
    public var evaluationProblem: String? {
        if train.count == 0 { return "has no training images" }
        if test.count == 0 { return "has no test images; kNN and the linear probe need some" }
        let trainClasses = Set(train.labels), testClasses = Set(test.labels)
        if trainClasses.count < 2 {
            return "its training images are all of one class; accuracies and class divergence need at least two"
        }
        if testClasses.count < 2 { return "its test images are all of one class; accuracies need at least two" }
        return nil
    }

    private static func fingerprint(_ train: ImageSet, _ test: ImageSet) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) {
                hash ^= UInt64((value >> UInt32(shift)) & 0xFF)
                hash &*= 0x100_0000_01B3
            }
        }
        for set in [train, test] {
            for p in set.pixels { mix(UInt32(truncatingIfNeeded: Int((p * 255).rounded()))) }
            for l in set.labels { mix(UInt32(truncatingIfNeeded: l)) }
        }
        return String(hash, radix: 16)
    }

    /// Mean and standard deviation of all training pixels.
    public static func statistics(of set: ImageSet) -> (mean: Float, std: Float) {
        guard !set.pixels.isEmpty else { return (0, 1) }
        var sum = 0.0, squares = 0.0
        for p in set.pixels {
            sum += Double(p)
            squares += Double(p) * Double(p)
        }
        let n = Double(set.pixels.count)
        let mean = sum / n
        let variance = max(squares / n - mean * mean, 1e-12)
        return (Float(mean), Float(variance.squareRoot()))
    }
}

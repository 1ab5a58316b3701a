/// Per-channel normalisation applied to every view: value ↦ (value − mean[c]) / std[c].
public struct Normalisation: Sendable, Equatable, Codable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// One mean and std for a grey image.
    public init(mean: Float, std: Float) {
        self.init(mean: [mean], std: [std])
    }

    public var channels: Int { mean.count }
}

/// A data set ready to train on: a train and a test split, the class names, and the
/// normalisation statistics applied to every view.
public struct Dataset: Sendable {
    /// "fmnist", "fmnist-20k", "synthetic", "cifar10", …, or the folder a user gave.
    public let name: String
    /// The labelled training split: the kNN memory bank and the linear probe's training set,
    /// and what the supervised goal line trains on.
    public let train: ImageSet
    public let test: ImageSet
    /// How many images without labels (STL-10's unlabeled split) the set holds.
    public let unlabeledCount: Int
    /// Which images self-supervised methods train on.
    public let selfSupervisedSplits: TrainingSplits
    /// The images a self-supervised method trains on (labels of unlabeled images are −1):
    /// the train split, or the unlabeled images alone or after the train split, held once.
    public let selfSupervisedTrain: ImageSet
    public let classNames: [String]
    public let normalisation: Normalisation
    /// A short fingerprint of the pixels and labels (FNV-1a, hex), recorded in run files so
    /// that a run can tell whether it is resumed on the same data. Computed once here: it
    /// reads every pixel.
    public let checksum: String

    /// - Parameters: selfSupervised: what self-supervised methods train on when that is not
    ///   the train split (built by the reader, so that 2.8 GB of unlabeled images are held
    ///   once), with the splits it holds and how many of its images are unlabeled.
    public init(name: String, train: ImageSet, test: ImageSet, classNames: [String], normalisation: Normalisation,
                selfSupervised: (images: ImageSet, splits: TrainingSplits, unlabeled: Int)? = nil) {
        self.name = name
        self.train = train
        self.test = test
        selfSupervisedTrain = selfSupervised?.images ?? train
        selfSupervisedSplits = selfSupervised?.splits ?? .train
        unlabeledCount = selfSupervised?.unlabeled ?? 0
        self.classNames = classNames
        self.normalisation = normalisation
        // Every image once: train + unlabeled is held as one set, which begins with the train split.
        switch selfSupervised?.splits {
        case .trainAndUnlabeled?: checksum = Self.fingerprint([selfSupervisedTrain, test])
        case .unlabeled?: checksum = Self.fingerprint([train, test, selfSupervisedTrain])
        default: checksum = Self.fingerprint([train, test])
        }
    }

    /// A grey data set with one mean and std.
    public init(name: String, train: ImageSet, test: ImageSet, classNames: [String], mean: Float, std: Float) {
        self.init(name: name, train: train, test: test, classNames: classNames, normalisation: Normalisation(mean: mean, std: std))
    }

    public var classCount: Int { classNames.count }
    public var side: Int { train.side }
    public var channels: Int { train.channels }
    public var shape: ImageShape { train.shape }

    /// The images `method` trains on: labelled ones for the supervised goal line.
    public func trainingImages(supervised: Bool) -> ImageSet {
        supervised ? train : selfSupervisedTrain
    }

    /// The same data set with only the first `limit` training images (nil: unchanged); what
    /// self-supervised methods train on is limited alike.
    public func limitingTrain(to limit: Int?) -> Dataset {
        guard let limit, limit < train.count || limit < selfSupervisedTrain.count else { return self }
        let own = selfSupervisedSplits == .train ? nil
            : (images: selfSupervisedTrain.prefix(limit), splits: selfSupervisedSplits,
               unlabeled: selfSupervisedSplits == .unlabeled ? min(limit, unlabeledCount) : max(0, min(limit, selfSupervisedTrain.count) - train.count))
        return Dataset(name: name, train: train.prefix(limit), test: test, classNames: classNames,
                       normalisation: normalisation, selfSupervised: own)
    }

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

    private static func fingerprint(_ sets: [ImageSet]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) {
                hash ^= UInt64((value >> UInt32(shift)) & 0xFF)
                hash &*= 0x100_0000_01B3
            }
        }
        for set in sets {
            switch set.storage {
            case .bytes(let bytes) where set.channels > 1:
                // Colour sets (newer than the grey ones' recorded checksums): eight bytes a step.
                bytes.withUnsafeBytes { raw in
                    let words = raw.count / 8
                    for w in 0..<words { hash = (hash ^ raw.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self)) &* 0x100_0000_01B3 }
                    for i in (8 * words)..<raw.count { hash = (hash ^ UInt64(raw[i])) &* 0x100_0000_01B3 }
                }
            case .bytes(let bytes):
                // mix(UInt32(b)) for a byte: one xor, then four multiplies (the upper bytes are 0), folded into one.
                let prime4: UInt64 = 0x100_0000_01B3 &* 0x100_0000_01B3 &* 0x100_0000_01B3 &* 0x100_0000_01B3
                bytes.withUnsafeBufferPointer { values in
                    for b in values { hash = (hash ^ UInt64(b)) &* prime4 }
                }
            case .floats(let floats): for p in floats { mix(UInt32(truncatingIfNeeded: Int((p * 255).rounded()))) }
            }
            for l in set.labels { mix(UInt32(truncatingIfNeeded: l)) }
        }
        return String(hash, radix: 16)
    }

    /// Mean and standard deviation of all training values (grey).
    public static func statistics(of set: ImageSet) -> (mean: Float, std: Float) {
        let n = channelStatistics(of: set)
        return (n.mean[0], n.std[0])
    }

    /// Mean and standard deviation of the training values, per channel.
    public static func channelStatistics(of set: ImageSet) -> Normalisation {
        let c = max(set.channels, 1)
        var sum = [Double](repeating: 0, count: c), squares = [Double](repeating: 0, count: c)
        func add(_ v: Double, _ i: Int) {
            sum[i % c] += v
            squares[i % c] += v * v
        }
        switch set.storage {
        case .bytes(let bytes):
            // Counted per byte value: exact, and fast on hundreds of millions of bytes.
            var counts = [Int](repeating: 0, count: c * 256)
            counts.withUnsafeMutableBufferPointer { histogram in
                bytes.withUnsafeBufferPointer { values in
                    if c == 3 {
                        for p in 0..<(values.count / 3) {
                            histogram[Int(values[3 * p])] += 1
                            histogram[256 + Int(values[3 * p + 1])] += 1
                            histogram[512 + Int(values[3 * p + 2])] += 1
                        }
                    } else {
                        var channel = 0
                        for b in values {
                            histogram[channel * 256 + Int(b)] += 1
                            channel = channel + 1 == c ? 0 : channel + 1
                        }
                    }
                }
            }
            for channel in 0..<c {
                for v in 0..<256 where counts[channel * 256 + v] > 0 {
                    let x = Double(Float(v) * (1 / 255)), k = Double(counts[channel * 256 + v])
                    sum[channel] += x * k
                    squares[channel] += x * x * k
                }
            }
        case .floats(let floats):
            for (i, p) in floats.enumerated() { add(Double(p), i) }
        }
        let n = Double(set.count * set.side * set.side)
        guard n > 0 else { return Normalisation(mean: [Float](repeating: 0, count: c), std: [Float](repeating: 1, count: c)) }
        let mean = sum.map { $0 / n }
        let std = (0..<c).map { max(squares[$0] / n - mean[$0] * mean[$0], 1e-12).squareRoot() }
        return Normalisation(mean: mean.map(Float.init), std: std.map(Float.init))
    }
}

/// Which images self-supervised methods train on, recorded in run.json.
public enum TrainingSplits: String, Sendable, Codable {
    case train
    case unlabeled
    case trainAndUnlabeled = "train+unlabeled"
}

import Foundation

/// CIFAR-10 and CIFAR-100 in their binary versions: records of label byte(s) then 3,072
/// pixel bytes (1,024 red, 1,024 green, 1,024 blue, rows top to bottom), turned into
/// 32×32×3 images with their channels together.
public enum CIFARBinary {
    public enum Variant: Sendable {
        case cifar10
        /// CIFAR-100 with its 100 fine labels, or its 20 coarse ones.
        case cifar100(coarse: Bool)

        /// Label bytes before the pixels of each record.
        var labelBytes: Int {
            if case .cifar10 = self { return 1 }
            return 2
        }
        /// Which label byte is used.
        var labelOffset: Int {
            if case .cifar100(coarse: false) = self { return 1 }
            return 0
        }
        public var classCount: Int {
            switch self {
            case .cifar10: 10
            case .cifar100(let coarse): coarse ? 20 : 100
            }
        }
        var recordSize: Int { labelBytes + CIFARBinary.imageBytes }
        /// The folder the archive unpacks to, its files, and where to get it.
        var folder: String {
            if case .cifar10 = self { return "cifar-10-batches-bin" }
            return "cifar-100-binary"
        }
        var trainFiles: [String] {
            if case .cifar10 = self { return (1...5).map { "data_batch_\($0).bin" } }
            return ["train.bin"]
        }
        var testFile: String {
            if case .cifar10 = self { return "test_batch.bin" }
            return "test.bin"
        }
        var namesFile: String {
            switch self {
            case .cifar10: "batches.meta.txt"
            case .cifar100(let coarse): coarse ? "coarse_label_names.txt" : "fine_label_names.txt"
            }
        }
        var archive: String {
            if case .cifar10 = self { return "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz" }
            return "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"
        }
    }

    public static let side = 32
    static let imageBytes = 3 * 32 * 32

    /// True when `directory` holds the variant's unpacked folder or is that folder.
    public static func folder(for variant: Variant, in directory: String) -> String? {
        for candidate in [(directory as NSString).appendingPathComponent(variant.folder), directory] {
            let test = (candidate as NSString).appendingPathComponent(variant.testFile)
            if FileManager.default.fileExists(atPath: test) { return candidate }
        }
        return nil
    }

    /// Loads the train and test splits from the unpacked folder.
    public static func load(folder: String, variant: Variant, name: String) throws(DataError) -> Dataset {
        var trainPixels = [UInt8](), trainLabels = [Int]()
        // One allocation for all batch files: growing file by file would copy the pixels again each time.
        var total = 0
        for file in variant.trainFiles {
            total += try RecordFile.recordCount(path: (folder as NSString).appendingPathComponent(file),
                                                recordSize: variant.recordSize, what: "CIFAR records")
        }
        trainPixels.reserveCapacity(total * imageBytes)
        trainLabels.reserveCapacity(total)
        for file in variant.trainFiles {
            try read(path: (folder as NSString).appendingPathComponent(file), variant: variant,
                     pixels: &trainPixels, labels: &trainLabels)
        }
        var testPixels = [UInt8](), testLabels = [Int]()
        try read(path: (folder as NSString).appendingPathComponent(variant.testFile), variant: variant,
                 pixels: &testPixels, labels: &testLabels)
        let names = try RecordFile.classNames(path: (folder as NSString).appendingPathComponent(variant.namesFile),
                                              count: variant.classCount)
            ?? (0..<variant.classCount).map(String.init)
        let train = ImageSet(bytes: trainPixels, labels: trainLabels, side: side, channels: 3)
        let test = ImageSet(bytes: testPixels, labels: testLabels, side: side, channels: 3)
        return Dataset(name: name, train: train, test: test, classNames: names,
                       normalisation: Dataset.channelStatistics(of: train))
    }

    /// Appends the records of one batch file.
    static func read(path: String, variant: Variant, pixels: inout [UInt8], labels: inout [Int]) throws(DataError) {
        let count = try RecordFile.recordCount(path: path, recordSize: variant.recordSize, what: "CIFAR records")
        pixels.reserveCapacity(pixels.count + count * imageBytes)
        labels.reserveCapacity(labels.count + count)
        try RecordFile.forEachChunk(path: path, recordSize: variant.recordSize) { (chunk, first) throws(DataError) in
            try decode(chunk, path: path, variant: variant, firstRecord: first, pixels: &pixels, labels: &labels)
        }
    }

    /// Decodes whole records: the bytes of a batch file (all of it, or a chunk starting at
    /// record `firstRecord`, which only numbers records in errors).
    public static func decode(_ records: UnsafeRawBufferPointer, path: String, variant: Variant, firstRecord: Int = 0,
                              pixels: inout [UInt8], labels: inout [Int]) throws(DataError) {
        let size = variant.recordSize
        let count = try RecordFile.recordCount(bytes: records.count, path: path, recordSize: size, what: "CIFAR records")
        let plane = side * side
        guard let base = records.baseAddress else { return }
        for r in 0..<count {
            let label = Int(base.load(fromByteOffset: r * size + variant.labelOffset, as: UInt8.self))
            guard label < variant.classCount else {
                throw DataError(path, "record \(firstRecord + r) has label \(label), outside 0...\(variant.classCount - 1)")
            }
            labels.append(label)
        }
        let start = pixels.count
        pixels.append(contentsOf: repeatElement(0, count: count * imageBytes))
        pixels.withUnsafeMutableBufferPointer { out in
            guard let out = out.baseAddress else { return }
            for r in 0..<count {
                let image = base.assumingMemoryBound(to: UInt8.self) + r * size + variant.labelBytes
                let destination = out + start + r * imageBytes
                for p in 0..<plane {
                    destination[3 * p] = image[p]
                    destination[3 * p + 1] = image[plane + p]
                    destination[3 * p + 2] = image[2 * plane + p]
                }
            }
        }
    }
}

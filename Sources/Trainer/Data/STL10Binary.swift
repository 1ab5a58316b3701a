import Foundation

/// STL-10 in its binary version: 96×96×3 images stored channel by channel and column by
/// column within a channel, labels 1–10 one byte each, and 100,000 unlabeled images made
/// for self-supervised training.
public enum STL10Binary {
    public static let side = 96
    static let imageBytes = 3 * 96 * 96
    public static let folderName = "stl10_binary"
    public static let archive = "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"

    /// The unpacked folder inside `directory`, or `directory` itself when it is one.
    public static func folder(in directory: String) -> String? {
        for candidate in [(directory as NSString).appendingPathComponent(folderName), directory] {
            if FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("test_X.bin")) {
                return candidate
            }
        }
        return nil
    }

    /// Loads the labelled train and test splits and, unless self-supervised runs train on the
    /// labelled split alone, the unlabeled one.
    public static func load(folder: String, name: String, splits: TrainingSplits) throws(DataError) -> Dataset {
        let path = { (file: String) in (folder as NSString).appendingPathComponent(file) }
        let train = try labelledSplit(images: path("train_X.bin"), labels: path("train_y.bin"))
        let test = try labelledSplit(images: path("test_X.bin"), labels: path("test_y.bin"))
        let names = try RecordFile.classNames(path: path("class_names.txt"), count: 10) ?? (1...10).map(String.init)
        let normalisation = Dataset.channelStatistics(of: train)
        guard splits != .train else {
            return Dataset(name: name, train: train, test: test, classNames: names, normalisation: normalisation)
        }
        // Read after the train split's bytes when both train: 2.8 GB held once, not copied.
        let first: [UInt8]
        if splits == .trainAndUnlabeled, case .bytes(let bytes) = train.storage { first = bytes } else { first = [] }
        let pixels = try images(path: path("unlabeled_X.bin"), after: first)
        let unlabeled = (pixels.count - first.count) / imageBytes
        let labels = (first.isEmpty ? [] : train.labels) + [Int](repeating: -1, count: unlabeled)
        let images = ImageSet(bytes: pixels, labels: labels, side: side, channels: 3)
        return Dataset(name: name, train: train, test: test, classNames: names, normalisation: normalisation,
                       selfSupervised: (images, splits, unlabeled))
    }

    static func labelledSplit(images imagePath: String, labels labelPath: String) throws(DataError) -> ImageSet {
        let pixels = try images(path: imagePath)
        guard let labelData = FileManager.default.contents(atPath: labelPath) else {
            throw DataError(labelPath, FileManager.default.fileExists(atPath: labelPath) ? "cannot be read" : "no such file")
        }
        let labels = try decodeLabels([UInt8](labelData), path: labelPath)
        guard labels.count == pixels.count / imageBytes else {
            throw DataError(labelPath, "has \(labels.count) labels but \((imagePath as NSString).lastPathComponent) has \(pixels.count / imageBytes) images")
        }
        return ImageSet(bytes: pixels, labels: labels, side: side, channels: 3)
    }

    /// The images of one `_X.bin` file, read a chunk at a time into one byte array.
    static func images(path: String, after first: [UInt8] = []) throws(DataError) -> [UInt8] {
        let count = try RecordFile.recordCount(path: path, recordSize: imageBytes, what: "96×96×3 images")
        if let available = MemoryBudget.available(), count * imageBytes > available.bytes {
            throw DataError(path, "\(count) images of 96×96×3 take \(MemoryBudget.format(count * imageBytes)), more than the \(MemoryBudget.format(available.bytes)) of \(available.source)")
        }
        // Uninitialised, then filled: zeroing 2.8 GB first would cost seconds.
        var pixels = [UInt8](unsafeUninitializedCapacity: first.count + count * imageBytes) { buffer, initialised in
            if let base = buffer.baseAddress, !first.isEmpty {
                first.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: first.count) }
            }
            initialised = buffer.count
        }
        try pixels.withUnsafeMutableBufferPointer { (all: inout UnsafeMutableBufferPointer<UInt8>) throws(DataError) in
            guard let out = all.baseAddress.map({ $0 + first.count }) else { return }
            var read = 0
            try RecordFile.forEachChunk(path: path, recordSize: imageBytes) { (chunk, first) throws(DataError) in
                guard first + chunk.count / imageBytes <= count else { throw DataError(path, "grew while it was read") }
                decodeImages(chunk, into: out + first * imageBytes)
                read = first + chunk.count / imageBytes
            }
            guard read == count else { throw DataError(path, "shrank while it was read (\(read) of \(count) images)") }
        }
        return pixels
    }

    /// Whole images of a `_X.bin` file (or the fuzzers' bytes), checked for size.
    public static func decodeImages(_ bytes: [UInt8], path: String) throws(DataError) -> [UInt8] {
        let count = try RecordFile.recordCount(bytes: bytes.count, path: path, recordSize: imageBytes, what: "96×96×3 images")
        var pixels = [UInt8](repeating: 0, count: count * imageBytes)
        bytes.withUnsafeBytes { raw in
            pixels.withUnsafeMutableBufferPointer { out in
                if let base = out.baseAddress { decodeImages(raw, into: base) }
            }
        }
        return pixels
    }

    /// Turns column-major channel planes into rows of pixels with their channels together.
    static func decodeImages(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let plane = side * side
        for image in 0..<(raw.count / imageBytes) {
            let source = base + image * imageBytes, destination = out + image * imageBytes
            for c in 0..<3 {
                for x in 0..<side {
                    let column = source + c * plane + x * side
                    for y in 0..<side { destination[(y * side + x) * 3 + c] = column[y] }
                }
            }
        }
    }

    /// Labels 1–10, one byte each, as 0–9.
    public static func decodeLabels(_ bytes: [UInt8], path: String) throws(DataError) -> [Int] {
        guard !bytes.isEmpty else { throw DataError(path, "is empty (0 bytes); expected one label byte (1–10) per image") }
        if let bad = bytes.firstIndex(where: { $0 < 1 || $0 > 10 }) {
            throw DataError(path, "label \(bytes[bad]) at index \(bad) is outside 1...10")
        }
        return bytes.map { Int($0) - 1 }
    }
}

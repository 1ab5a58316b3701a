import Foundation
import TestSupport
import Testing
import TensorCore
@testable import Trainer

@Suite struct IDXReaderTests {
    @Test(arguments: [false, true])
    func readsFilesItWrote(gzipped: Bool) throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: gzipped)
        let data = try DataCatalog.load(folder)
        #expect(data.train.count == 12)
        #expect(data.test.count == 12)
        #expect(data.side == 4)
        #expect(data.train.labels == (0..<12).map { $0 % 10 })
        #expect(abs(data.train.pixels[17] - 17 / 255) < 1e-6)
    }

    @Test func readsRealFashionMNIST() throws {
        guard FashionMNIST.looksPresent(in: FashionMNIST.defaultDirectory) else {
            Issue.record("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
            return
        }
        let data = try DataCatalog.load("fmnist-20k")
        #expect(data.train.count == 20_000)
        #expect(data.test.count == 10_000)
        #expect(data.side == 28)
        var perClass = [Int](repeating: 0, count: 10)
        for l in data.test.labels { perClass[l] += 1 }
        #expect(perClass == [Int](repeating: 1000, count: 10))
        let mean = data.test.pixels.reduce(0, +) / Float(data.test.pixels.count)
        #expect(abs(mean - 0.2868) < 0.005)  // Fashion-MNIST's published test mean
    }

    func expectError(_ folder: String, mentions file: String, _ phrase: String) {
        do {
            _ = try DataCatalog.load(folder)
            Issue.record("expected an error mentioning \(phrase)")
        } catch {
            #expect(error.description.contains(file), "\(error.description)")
            #expect(error.description.contains(phrase), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func missingFolderIsReported() {
        expectError("/nonexistent/fashion", mentions: "/nonexistent/fashion", "no such data set or folder")
    }

    @Test func truncatedGzipIsReported() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, count: 200, side: 8, gzipped: true)
        let path = folder + "/train-images-idx3-ubyte.gz"
        let bytes = try #require(FileManager.default.contents(atPath: path))
        writeFile(atPath: path, contents: bytes.prefix(bytes.count / 2))
        expectError(folder, mentions: "train-images-idx3-ubyte.gz", "truncated")
    }

    @Test func corruptGzipIsReported() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, count: 200, side: 8, gzipped: true)
        let path = folder + "/train-images-idx3-ubyte.gz"
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        for i in (bytes.count / 3)..<(bytes.count / 3 + 16) { bytes[i] ^= 0x5A }
        writeFile(atPath: path, contents: Data(bytes))
        expectError(folder, mentions: "train-images-idx3-ubyte.gz", "corrupt")
    }

    @Test func wrongMagicIsReported() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: false)
        let bytes = IDXFile.encode(magic: 1234, dimensions: [12], bytes: [UInt8](repeating: 1, count: 12))
        writeFile(atPath: folder + "/train-labels-idx1-ubyte", contents: Data(bytes))
        expectError(folder, mentions: "train-labels-idx1-ubyte", "expected IDX magic 2049")
    }

    @Test func wrongDimensionsAreReported() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: false)
        // Header claims 12 images of 5×5 but holds 4×4 pixels.
        let bytes = IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [12, 5, 5], bytes: [UInt8](repeating: 0, count: 12 * 16))
        writeFile(atPath: folder + "/t10k-images-idx3-ubyte", contents: Data(bytes))
        expectError(folder, mentions: "t10k-images-idx3-ubyte", "need 300 data bytes")
    }

    @Test func labelCountDisagreeingWithImagesIsReported() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: false)
        let bytes = IDXFile.encode(magic: IDXFile.labelMagic, dimensions: [11], bytes: [UInt8](repeating: 1, count: 11))
        writeFile(atPath: folder + "/train-labels-idx1-ubyte", contents: Data(bytes))
        expectError(folder, mentions: "train-labels-idx1-ubyte", "has 11 labels but train-images-idx3-ubyte has 12 images")
    }
}

@Suite struct ImageFolderTests {
    @Test func loadsClassFoldersWrittenWithLibpng() throws {
        let folder = makeTemporaryFolder("png")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (label, name) in ["circles", "squares"].enumerated() {
            let classFolder = folder + "/" + name
            try FileManager.default.createDirectory(atPath: classFolder, withIntermediateDirectories: true)
            for i in 0..<10 {
                // 56×56 images, uniformly 64 or 192: resized to 28×28 they keep their value.
                let value: UInt8 = label == 0 ? 64 : 192
                #expect(writePNG([UInt8](repeating: value, count: 56 * 56), width: 56, height: 56,
                                 to: classFolder + "/img\(i).png"))
            }
        }
        let data = try DataCatalog.load(folder)
        #expect(data.classNames == ["circles", "squares"])
        #expect(data.train.count == 16)
        #expect(data.test.count == 4)
        #expect(data.side == 28)
        #expect(abs(data.train.pixels[0] - 64 / 255) < 1e-5)
        #expect(abs(data.train.pixels.last! - 192 / 255) < 1e-5)
    }

    @Test func unreadablePNGIsReported() throws {
        let folder = makeTemporaryFolder("png")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
            _ = writePNG([UInt8](repeating: 9, count: 16), width: 4, height: 4, to: folder + "/\(name)/ok.png")
        }
        writeFile(atPath: folder + "/b/broken.png", contents: Data("not a png at all".utf8))
        do {
            _ = try DataCatalog.load(folder)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix(folder + "/b/broken.png: is not a PNG"), "\(error.description)")
        }
    }

    @Test func folderWithoutClassesIsReported() {
        let folder = makeTemporaryFolder("png")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try DataCatalog.load(folder)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("one sub-folder of PNG images per class"))
        }
    }
}

@Suite struct SyntheticDataTests {
    @Test func isFastDeterministicAndBalanced() {
        let clock = ContinuousClock()
        var data: Dataset?
        let elapsed = clock.measure { data = SyntheticShapes.dataset() }
        guard let data else { return }
        // Sanitizers slow everything down several times; the time bound holds for normal builds.
        if ProcessInfo.processInfo.environment["WORKBENCH_SANITIZER"] == nil {
            #expect(elapsed < .seconds(2), "generating synthetic took \(elapsed)")
        }
        #expect(data.train.count == 20_000)
        #expect(data.test.count == 4_000)
        #expect(data.train.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(SyntheticShapes.dataset(trainCount: 50, testCount: 10).checksum
                == SyntheticShapes.dataset(trainCount: 50, testCount: 10).checksum)
        var perClass = [Int](repeating: 0, count: 10)
        for l in data.train.labels { perClass[l] += 1 }
        #expect(perClass.allSatisfy { $0 == 2_000 })
    }

    /// Real class structure: a nearest-centroid classifier on pixels does far better than
    /// chance but far from perfectly, because each class has several modes and shared distractors.
    @Test func hasClassStructureThatIsNotTrivial() {
        let data = SyntheticShapes.dataset(trainCount: 4_000, testCount: 1_000)
        let d = data.side * data.side
        var centroids = [Float](repeating: 0, count: 10 * d)
        var counts = [Float](repeating: 0, count: 10)
        for i in 0..<data.train.count {
            let l = data.train.labels[i]
            counts[l] += 1
            for j in 0..<d { centroids[l * d + j] += data.train.pixels[i * d + j] }
        }
        for l in 0..<10 { for j in 0..<d { centroids[l * d + j] /= counts[l] } }
        var correct = 0
        for i in 0..<data.test.count {
            var best = 0, bestDistance = Float.infinity
            for l in 0..<10 {
                var distance: Float = 0
                for j in 0..<d {
                    let diff = data.test.pixels[i * d + j] - centroids[l * d + j]
                    distance += diff * diff
                }
                if distance < bestDistance { bestDistance = distance; best = l }
            }
            if best == data.test.labels[i] { correct += 1 }
        }
        let accuracy = Double(correct) / Double(data.test.count)
        #expect(accuracy > 0.3 && accuracy < 0.95, "nearest-centroid accuracy \(accuracy)")
    }
}

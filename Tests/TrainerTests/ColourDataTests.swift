import Foundation
import TensorCore
import TestSupport
import Testing
@testable import Trainer

/// CIFAR, STL-10 and colour image folders, from files the tests write byte for byte as the
/// formats define them.
@Suite struct ColourDataTests {
    /// A CIFAR-10 folder: five data batches of `perBatch` records, a test batch, the meta file.
    static func writeCIFAR10(in root: String, perBatch: Int = 3, test: Int = 4, labelOf: (Int) -> UInt8 = { UInt8($0 % 10) }) -> String {
        let folder = root + "/cifar-10-batches-bin"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var index = 0
        func batch(_ count: Int) -> Data {
            var bytes: [UInt8] = []
            for _ in 0..<count {
                bytes.append(labelOf(index))
                bytes += cifarPlanes(patternRGB(side: 32, index: index))
                index += 1
            }
            return Data(bytes)
        }
        for b in 1...5 { writeFile(atPath: folder + "/data_batch_\(b).bin", contents: batch(perBatch)) }
        writeFile(atPath: folder + "/test_batch.bin", contents: batch(test))
        let names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        writeFile(atPath: folder + "/batches.meta.txt", contents: Data((names.joined(separator: "\n") + "\n\n").utf8))
        return folder
    }

    @Test func cifar10RecordsBecomeColourImagesWithTheirClassNames() throws {
        let root = makeTemporaryFolder("cifar10")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = Self.writeCIFAR10(in: root)
        let data = try DataCatalog.load("cifar10", dataDirectory: root)
        #expect(data.train.count == 15 && data.test.count == 4)
        #expect(data.shape == ImageShape(side: 32, channels: 3))
        #expect(data.classNames.first == "airplane" && data.classCount == 10)
        #expect(data.train.labels == (0..<15).map { $0 % 10 })
        // Pixel (x, y) channel c of image i is where the pattern put it: planes became pixels.
        let expected = patternRGB(side: 32, index: 7)
        let values = data.train.pixels
        let image = Array(values[(7 * 3072)..<(8 * 3072)])
        #expect(image == expected.map { Float($0) * (1 / 255) })
        #expect(data.test.labels == [5, 6, 7, 8])
        // Per-channel normalisation from the training split.
        #expect(data.normalisation.channels == 3)
        let reds = stride(from: 0, to: values.count, by: 3).map { Double(values[$0]) }
        let redMean = reds.reduce(0, +) / Double(reds.count)
        #expect(abs(Double(data.normalisation.mean[0]) - redMean) < 1e-5)
        #expect(data.normalisation.mean[0] != data.normalisation.mean[1])
    }

    @Test func cifar100ReadsFineLabelsByDefaultAndCoarseOnRequest() throws {
        let root = makeTemporaryFolder("cifar100")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/cifar-100-binary"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func file(_ count: Int, offset: Int) -> Data {
            var bytes: [UInt8] = []
            for i in 0..<count {
                bytes += [UInt8((i + offset) % 20), UInt8((i + offset) * 7 % 100)]
                bytes += cifarPlanes(patternRGB(side: 32, index: i + offset))
            }
            return Data(bytes)
        }
        writeFile(atPath: folder + "/train.bin", contents: file(6, offset: 0))
        writeFile(atPath: folder + "/test.bin", contents: file(3, offset: 6))
        writeFile(atPath: folder + "/coarse_label_names.txt", contents: Data((0..<20).map { "coarse\($0)" }.joined(separator: "\n").utf8))
        let fine = try DataCatalog.load("cifar100", dataDirectory: root)
        #expect(fine.classCount == 100 && fine.train.labels == (0..<6).map { $0 * 7 % 100 })
        #expect(fine.classNames[3] == "3")  // no fine_label_names.txt: numbered
        let coarse = try DataCatalog.load("cifar100-coarse", dataDirectory: root)
        #expect(coarse.classCount == 20 && coarse.train.labels == (0..<6).map { $0 % 20 })
        #expect(coarse.classNames[19] == "coarse19")
        #expect(coarse.test.pixels == fine.test.pixels)
    }

    @Test func stl10TrainsOnTheSplitAskedForAndEvaluatesOnTheLabelledOnes() throws {
        let root = makeTemporaryFolder("stl10")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = writeSTL10Folder(in: root)
        let plain = try DataCatalog.load("stl10", dataDirectory: root)
        #expect(plain.shape == ImageShape(side: 96, channels: 3) && plain.unlabeledCount == 0)
        #expect(plain.train.labels == [0, 1, 2] && plain.test.labels == [9, 8])
        #expect(plain.classNames[7] == "monkey")
        #expect(Array(plain.train.pixels[(3 * 96 * 96)..<(6 * 96 * 96)]) == patternRGB(side: 96, index: 1).map { Float($0) * (1 / 255) })
        let alone = try DataCatalog.load("stl10-unlabeled", dataDirectory: root)
        #expect(alone.selfSupervisedTrain.count == 4 && alone.selfSupervisedTrain.labels.allSatisfy { $0 == -1 })
        #expect(alone.trainingImages(supervised: true).count == 3)
        let both = try DataCatalog.load("stl10+unlabeled", dataDirectory: root)
        #expect(both.selfSupervisedTrain.count == 7 && both.train.count == 3)
        #expect(both.selfSupervisedSplits == .trainAndUnlabeled)
        #expect(Array(both.selfSupervisedTrain.pixels[(3 * 27648)..<(4 * 27648)]) == patternRGB(side: 96, index: 200).map { Float($0) * (1 / 255) })
    }

    @Test func missingBenchmarksSayWhereToGetThemAndWhereToPutThem() {
        let root = makeTemporaryFolder("empty")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (name, archive) in [("cifar10", "cifar-10-binary.tar.gz"), ("cifar100", "cifar-100-binary.tar.gz"), ("stl10", "stl10_binary.tar.gz")] {
            do {
                _ = try DataCatalog.load(name, dataDirectory: root)
                Issue.record("\(name) loaded from an empty folder")
            } catch {
                #expect(error.description.contains(archive) && error.description.contains(root), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    /// A colour folder: JPEG and PNG, grey and colour, of several sizes.
    static func writeMixedFolder(_ folder: String) throws {
        for (label, name) in ["reds", "blues"].enumerated() {
            let classFolder = folder + "/" + name
            try FileManager.default.createDirectory(atPath: classFolder, withIntermediateDirectories: true)
            for i in 0..<5 {
                let side = [16, 24, 40, 16, 20][i]
                let colour: [UInt8] = label == 0 ? [220, 30, 30] : [30, 30, 220]
                var rgb: [UInt8] = []
                for _ in 0..<(side * side) { rgb += colour }
                switch i {
                case 0: #expect(writeColourPNG(rgb, width: side, height: side, to: classFolder + "/a.png"))
                case 1: writeFile(atPath: classFolder + "/b.jpg", contents: Data(jpegBytes(rgb, width: side, height: side, channels: 3)))
                case 2: #expect(writePNG([UInt8](repeating: 128, count: side * side), width: side, height: side, to: classFolder + "/c.png"))
                case 3: writeFile(atPath: classFolder + "/d.jpeg", contents: Data(jpegBytes([UInt8](repeating: 90, count: side * side), width: side, height: side, channels: 1)))
                default: writeFile(atPath: classFolder + "/e.JPG", contents: Data(jpegBytes(rgb, width: side, height: side, channels: 3)))
                }
            }
        }
    }

    @Test func colourFoldersMixGreyAndColourPNGAndJPEGOfAnySize() throws {
        let folder = makeTemporaryFolder("colour-folder")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.writeMixedFolder(folder)
        let data = try DataCatalog.load(folder + "?side=16")
        #expect(data.shape == ImageShape(side: 16, channels: 3))
        #expect(data.train.count == 8 && data.test.count == 2)
        let first = data.train.pixels  // blues/a.png (classes in name order): pure colour, exactly as written
        #expect(first[0] == Float(30) * (1 / 255) && first[2] == Float(220) * (1 / 255))
        // The grey PNG (blues/c.png, third image) has three equal channels.
        let grey = Array(first[(2 * 768)..<(3 * 768)])
        let equalChannels = stride(from: 0, to: grey.count, by: 3).allSatisfy { (i: Int) -> Bool in
            grey[i] == grey[i + 1] && grey[i + 1] == grey[i + 2]
        }
        #expect(equalChannels)
        // A JPEG of a blue square decodes close to blue (lossy).
        let jpeg = Array(data.train.pixels[(1 * 768)..<(2 * 768)])
        #expect(jpeg[2] > 0.75 && jpeg[0] < 0.25)
        let forced = try DataCatalog.load(folder + "?side=12&grey")
        #expect(forced.shape == ImageShape(side: 12, channels: 1))
        #expect(DataCatalog.spec(folder, side: 12, channels: 1) == folder + "?side=12&grey")
    }

    @Test func hostileFilesAreOneLineErrorsNamingTheFile() throws {
        let root = makeTemporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(atPath: root) }
        func expectError(_ name: String, _ root: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try DataCatalog.load(name, dataDirectory: root)
                Issue.record("\(name) loaded", sourceLocation: sourceLocation)
            } catch {
                #expect(error.description.contains(fragment) && !error.description.contains("\n"), "\(error)", sourceLocation: sourceLocation)
            }
        }
        // CIFAR: a short last record, a label out of range.
        let cifar = Self.writeCIFAR10(in: root + "/short")
        let batch = try Data(contentsOf: URL(fileURLWithPath: cifar + "/data_batch_2.bin"))
        writeFile(atPath: cifar + "/data_batch_2.bin", contents: batch.prefix(batch.count - 100))
        expectError("cifar10", root + "/short", "data_batch_2.bin: is 9119 bytes, not a whole number of 3073-byte records")
        _ = Self.writeCIFAR10(in: root + "/label", labelOf: { $0 == 4 ? 10 : 0 })
        expectError("cifar10", root + "/label", "data_batch_2.bin: record 1 has label 10, outside 0...9")
        // STL-10: an empty unlabeled file, labels that do not match the images, a bad label.
        let stl = writeSTL10Folder(in: root + "/stl")
        writeFile(atPath: stl + "/unlabeled_X.bin", contents: Data())
        expectError("stl10-unlabeled", root + "/stl", "unlabeled_X.bin: is empty (0 bytes)")
        writeFile(atPath: stl + "/train_y.bin", contents: Data([1, 2]))
        expectError("stl10", root + "/stl", "train_y.bin: has 2 labels but train_X.bin has 3 images")
        writeFile(atPath: stl + "/train_y.bin", contents: Data([1, 11, 2]))
        expectError("stl10", root + "/stl", "train_y.bin: label 11 at index 1 is outside 1...10")
        // Image folders: a JPEG that is really a PNG, a truncated JPEG.
        let folder = root + "/images"
        try Self.writeMixedFolder(folder)
        try FileManager.default.copyItem(atPath: folder + "/reds/a.png", toPath: folder + "/reds/f.jpg")
        expectError(folder, root, "reds/f.jpg: is named .jpg but holds a PNG")
        try FileManager.default.removeItem(atPath: folder + "/reds/f.jpg")
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: folder + "/blues/b.jpg"))
        writeFile(atPath: folder + "/blues/b.jpg", contents: jpeg.prefix(jpeg.count / 2))
        expectError(folder, root, "blues/b.jpg: not a readable JPEG")
        expectError("colour-1", root, "colour-N takes a class count N from 2")
        expectError("cifar10?side=16", root, "apply to image folders only")
        expectError(folder + "?side=1000", root, "unknown image-folder option 'side=1000'")
    }

    @Test func generatedColourSetsHaveTheClassesAskedForAndAreDeterministic() throws {
        let small = SyntheticColours.dataset(classes: 12, trainPerClass: 6, testPerClass: 2)
        #expect(small.classCount == 12 && small.train.count == 72 && small.test.count == 24)
        #expect(small.shape == ImageShape(side: 32, channels: 3))
        #expect(Set(small.train.labels) == Set(0..<12))
        let again = SyntheticColours.dataset(classes: 12, trainPerClass: 6, testPerClass: 2)
        #expect(small.checksum == again.checksum)
        #expect(SyntheticColours.dataset(classes: 13, trainPerClass: 6, testPerClass: 2).checksum != small.checksum)
        // Class structure in colour: images of one class are nearer their class's mean colour
        // than other classes' images are.
        let values = small.train.pixels
        func meanColour(_ i: Int) -> [Float] {
            (0..<3).map { c in stride(from: i * 3072 + c, to: (i + 1) * 3072, by: 3).reduce(0) { $0 + values[$1] } / 1024 }
        }
        let a = meanColour(0), b = meanColour(12), other = meanColour(5)
        let same = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        let different = zip(a, other).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        #expect(same < different)
    }
}

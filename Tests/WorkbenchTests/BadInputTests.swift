import Foundation
import Testing
import TestSupport
import Trainer

/// The real executable, given bad input, prints one line naming the problem and exits non-zero.
@Suite struct BadInputTests {
    func expectOneLineFailure(_ arguments: [String], mentioning phrases: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try WorkbenchBinary.run(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(result.standardError.contains(phrase), "stderr: \(result.standardError)", sourceLocation: sourceLocation)
        }
        #expect(!result.standardError.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test func missingDataFolder() throws {
        try expectOneLineFailure(["data", "--data", "/no/such/folder"],
                                 mentioning: ["/no/such/folder", "no such data set or folder"])
    }

    @Test func badThreadCountInTheEnvironment() throws {
        let result = try WorkbenchBinary.run(["data", "--data", "synthetic", "--baseline"],
                                             environment: ["WORKBENCH_THREADS": "many"])
        #expect(result.status == 1)
        #expect(result.standardError == "workbench: error: WORKBENCH_THREADS must be a whole number from 1 to 1024, not \"many\"\n")
    }

    @Test func missingFashionMNISTInstallation() throws {
        let result = try WorkbenchBinary.run(["data", "--data", "fmnist"],
                                             environment: ["WORKBENCH_FMNIST_DIR": "/no/fashion"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("/no/fashion: no such folder"))
    }

    @Test func truncatedGzip() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, count: 300, side: 8, gzipped: true)
        let path = folder + "/t10k-images-idx3-ubyte.gz"
        let bytes = try #require(FileManager.default.contents(atPath: path))
        writeFile(atPath: path, contents: bytes.prefix(bytes.count - 20))
        try expectOneLineFailure(["data", "--data", folder], mentioning: [path, "truncated"])
    }

    @Test func corruptGzip() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, count: 300, side: 8, gzipped: true)
        let path = folder + "/train-images-idx3-ubyte.gz"
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        for i in (bytes.count / 2)..<(bytes.count / 2 + 16) { bytes[i] ^= 0xA5 }
        writeFile(atPath: path, contents: Data(bytes))
        try expectOneLineFailure(["data", "--data", folder], mentioning: [path, "corrupt"])
    }

    @Test func wrongMagicNumber() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: false)
        let path = folder + "/train-images-idx3-ubyte"
        writeFile(atPath: path, contents: Data(IDXFile.encode(magic: 2049, dimensions: [12, 4, 4], bytes: [UInt8](repeating: 0, count: 192))))
        try expectOneLineFailure(["data", "--data", folder], mentioning: [path, "expected IDX magic 2051"])
    }

    @Test func wrongDimensions() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: false)
        let path = folder + "/train-images-idx3-ubyte"
        writeFile(atPath: path, contents: Data(IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [12, 4, 4], bytes: [UInt8](repeating: 0, count: 100))))
        try expectOneLineFailure(["data", "--data", folder], mentioning: [path, "need 192 data bytes, file has 100"])
    }

    @Test func labelCountDisagrees() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, gzipped: true)
        let path = folder + "/t10k-labels-idx1-ubyte.gz"
        try gzip(IDXFile.encode(magic: IDXFile.labelMagic, dimensions: [13], bytes: [UInt8](repeating: 0, count: 13)), to: path)
        try expectOneLineFailure(["data", "--data", folder], mentioning: [path, "13 labels", "12 images"])
    }

    @Test func unreadablePNG() throws {
        let folder = makeTemporaryFolder("png")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["cats", "dogs"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
            for i in 0..<5 { _ = writePNG([UInt8](repeating: 100, count: 64), width: 8, height: 8, to: folder + "/\(name)/\(i).png") }
        }
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: folder + "/dogs/3.png")))
        bytes = Array(bytes.prefix(30))  // a PNG cut off inside its header
        writeFile(atPath: folder + "/dogs/3.png", contents: Data(bytes))
        try expectOneLineFailure(["data", "--data", folder], mentioning: [folder + "/dogs/3.png", "PNG"])
    }

    @Test func badFlagsAreRefusedWithoutCrashing() throws {
        try expectOneLineFailure(["bench-step", "--backbone", "resnet", "--data", "synthetic"], mentioning: ["resnet"])
        try expectOneLineFailure(["bench-step", "--batch", "0", "--data", "synthetic"], mentioning: ["--batch"])
        try expectOneLineFailure(["bench-step", "--peak", "--rounds", "0", "--data", "synthetic"], mentioning: ["--rounds"])
        try expectOneLineFailure(["no-such-command"], mentioning: ["no-such-command"])
    }

    @Test func batchLargerThanDataSet() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, count: 20, side: 28, gzipped: false)
        try expectOneLineFailure(["bench-step", "--data", folder, "--batch", "64"], mentioning: ["--batch 64", "20 training images"])
    }

    @Test func describesTheSyntheticSet() throws {
        let result = try WorkbenchBinary.run(["data", "--data", "synthetic"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("20000 train, 4000 test, 28×28"))
        #expect(result.standardError.isEmpty)
    }

    @Test func timesATrainingStep() throws {
        // With --peak: a 4096² sgemm after each of the 2 rounds, kept out of the step's count.
        let result = try WorkbenchBinary.run(["bench-step", "--data", "synthetic", "--steps", "2", "--batch", "32",
                                              "--peak", "--rounds", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("images/s"))
        #expect(result.standardOutput.contains("of this process's 4096² sgemm"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("medians of 2 rounds"), "\(result.standardOutput)")
        // BYOL on 64 views of 28 × 28, in flops (2 per multiply-add): the online network's six
        // products take 2,244,608 multiply-adds per view, so forward 2·64·2,244,608, backward
        // twice that less the first layer's input gradient (2·64·802,816), and the target's
        // backbone and projector 2·64·1,982,464: 1,012.9 MFLOP, every product counted once.
        #expect(result.standardOutput.contains("products                1.01 GFLOP per step"), "\(result.standardOutput)")
    }

    @Test func timesTheKNNBothWaysAndTheyAgree() throws {
        let result = try WorkbenchBinary.run(["bench-knn", "--features", "random", "--train", "900", "--test", "70",
                                              "--dimension", "40", "--repeats", "1"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("float product (sgemm): median"))
        if result.standardOutput.contains("int8 screen available") {
            #expect(result.standardOutput.contains("candidates rescored per test row"))
            #expect(result.standardOutput.contains("predictions that differ between the two paths: 0 of 70"))
        }
    }

    @Test func timesTheEvaluationPartByPart() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeIDXDataSet(in: folder, count: 300, side: 28, gzipped: false)
        let result = try WorkbenchBinary.run(["bench-eval", "--data", folder, "--repeats", "1", "--probe-iterations", "3,7"])
        #expect(result.status == 0, "\(result.standardError)")
        let out = result.standardOutput
        for part in ["train forward", "test forward", "kNN", "linear probe", "class divergence", "representation health",
                     "projector + its health", "total"] {
            #expect(out.contains("\n" + part + " "), "no line for \(part) in \(out)")
        }
        // The caps are honoured: at most 3 and 7 iterations.
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("3 ") || $0.hasPrefix("7 ") }
        #expect(rows.count == 2, "\(out)")
        for row in rows {
            let cells = row.split(separator: " ")
            #expect(Int(cells[2]).map { $0 <= Int(cells[0])! } == true, "\(row)")
        }
    }

    @Test func benchEvalRefusesBadOptions() throws {
        try expectOneLineFailure(["bench-eval", "--repeats", "0", "--data", "synthetic"], mentioning: ["--repeats"])
        try expectOneLineFailure(["bench-eval", "--probe-iterations", "5,x", "--data", "synthetic"], mentioning: ["--probe-iterations"])
        try expectOneLineFailure(["bench-eval", "--probe-warm-from", "/tmp", "--data", "synthetic"], mentioning: ["--probe-warm-from"])
        try expectOneLineFailure(["bench-eval", "--run", "/nonexistent/run"], mentioning: ["/nonexistent/run"])
    }

    @Test func benchKNNRefusesAMissingRunFolder() throws {
        try expectOneLineFailure(["bench-knn", "--run", "/nonexistent/run"], mentioning: ["/nonexistent/run"])
        try expectOneLineFailure(["bench-knn", "--repeats", "0"], mentioning: ["--repeats"])
    }
}

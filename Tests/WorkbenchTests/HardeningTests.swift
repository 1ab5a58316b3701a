import Evaluation
import Foundation
import Testing
import TestSupport
import Trainer
import Reporting
import Vocabulary

/// The second hardening pass (issue 27): each numbered attack on the landed build, run
/// against the real binary with real files. The memory cases use WORKBENCH_MEMORY_LIMIT or
/// sizes whose refusal comes before any large allocation, so no test nears the OOM killer.
@Suite struct HardeningTests {
    /// Runs the binary; expects one line on stderr naming `phrases` and the exit `status`.
    @discardableResult
    func expectRefusal(_ arguments: [String], status: Int32 = 1, mentioning phrases: [String],
                       environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        let result = try WorkbenchBinary.run(arguments, environment: environment)
        #expect(result.status == status, "exit \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(result.standardError.contains(phrase), "stderr: \(result.standardError)", sourceLocation: sourceLocation)
        }
        #expect(!result.standardError.contains("Fatal error") && !result.standardError.contains("Missing value"),
                sourceLocation: sourceLocation)
        return result
    }

    /// An IDX set of `count` images per split of `side × side`, labels from `label`.
    func writeIDX(in folder: String, count: Int, side: Int, testCount: Int? = nil, label: (Int) -> Int = { $0 % 10 }) {
        for (split, n) in [("train", count), ("t10k", testCount ?? count)] {
            let pixels = (0..<(n * side * side)).map { UInt8(($0 * 7) % 256) }
            writeFile(atPath: folder + "/\(split)-images-idx3-ubyte",
                      contents: Data(IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [n, side, side], bytes: pixels)))
            writeFile(atPath: folder + "/\(split)-labels-idx1-ubyte",
                      contents: Data(IDXFile.encode(magic: IDXFile.labelMagic, dimensions: [n], bytes: (0..<n).map { UInt8(label($0)) })))
        }
    }

    /// A small trained run (synthetic, 2 epochs) in `out`, for the run-file cases.
    func trainSmallRun(out: String, seed: Int = 0, epochs: Int = 2, extra: [String] = []) throws {
        let result = try WorkbenchBinary.run(["train", "--method", "simclr", "--data", "synthetic", "--train-size", "256",
                                              "--batch", "64", "--epochs", "\(epochs)", "--seed", "\(seed)", "--quiet", "--out", out] + extra)
        #expect(result.status == 0, "\(result.standardError)")
    }

    // 1. Image sizes a backbone cannot take, or memory cannot hold.
    @Test func imageSidesTheBackboneCannotTakeAreRefusedBeforeTraining() throws {
        let folder = makeTemporaryFolder("sides")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for side in [1, 30] {
            let data = folder + "/side\(side)"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            writeIDX(in: data, count: 40, side: side)
            try expectRefusal(["train", "--method", "simclr", "--backbone", "convnet", "--data", data, "--batch", "8", "--out", folder + "/out"],
                              mentioning: ["convnet", "multiple of 4", "\(side)×\(side)"])
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/simclr/run.json"), "a refused run must leave no folder")
        // The same 1×1 images train with the mlp (the check is the backbone's, not a blanket limit).
        let mlp = try WorkbenchBinary.run(["train", "--method", "simclr", "--data", folder + "/side1", "--batch", "8", "--epochs", "1",
                                           "--quiet", "--out", folder + "/mlp"])
        #expect(mlp.status == 0, "\(mlp.standardError)")
    }

    @Test func imagesTooLargeForMemoryAreRefusedWithTheLimit() throws {
        let folder = makeTemporaryFolder("huge")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 2 images of 4096×4096 per split: 32 MiB files, 256 MiB as floats; the mlp's first
        // layer alone would be 64 GiB, the convnet's activations tens of GB.
        writeIDX(in: folder, count: 2, side: 4096, label: { $0 })
        for backbone in ["mlp", "convnet"] {
            try expectRefusal(["train", "--method", "simclr", "--backbone", backbone, "--data", folder, "--batch", "2", "--out", folder + "/out"],
                              mentioning: ["4096×4096", "needs about", "GB", "available memory"])
        }
        // A limit (as a shared machine would set) is applied to ordinary sizes as well.
        let small = folder + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        writeIDX(in: small, count: 40, side: 128)
        try expectRefusal(["train", "--method", "byol", "--data", small, "--batch", "8", "--out", folder + "/out"],
                          mentioning: ["128×128", "WORKBENCH_MEMORY_LIMIT"], environment: ["WORKBENCH_MEMORY_LIMIT": "64M"])
    }

    // 4. A gzip bomb: a small file that inflates far beyond what its header promises.
    @Test func aGzipBombStopsAtThePromisedSize() throws {
        let folder = makeTemporaryFolder("bomb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        writeIDX(in: folder, count: 600, side: 28)
        // Header: 600 images of 28×28 (470 KB), then 256 MiB of zeros: about 260 KB gzipped.
        let header = IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [600, 28, 28], bytes: [])
        let path = folder + "/train-images-idx3-ubyte"
        let raw = path + ".payload"
        writeFile(atPath: raw, contents: Data(header))
        let make = spawnAndWait(["/bin/sh", "-c", "head -c 268435456 /dev/zero >> '\(raw)' && gzip -n -c '\(raw)' > '\(path).gz' && rm '\(raw)' '\(path)'"])
        #expect(make.status == 0)
        let started = Date()
        try expectRefusal(["data", "--data", folder], mentioning: [path + ".gz", "inflates to more than the 470416 bytes its header promises"])
        #expect(Date().timeIntervalSince(started) < 10, "the bomb was inflated before it was refused")
        // The IDX reader itself: refused after the promised size (plus one chunk), not at the end.
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path + ".gz")))
        #expect(throws: DataError.self) { try IDXFile.decode(bytes, path: "bomb", expectedMagic: IDXFile.imageMagic) }
    }

    @Test func aHeaderPromisingMoreThanMemoryIsRefusedBeforeInflating() throws {
        let folder = makeTemporaryFolder("promise")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        writeIDX(in: folder, count: 12, side: 4)
        // The header claims 10^6 images of 1024×1024 (a terabyte); the data is a few bytes.
        let lie = IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [1_000_000, 1024, 1024], bytes: [UInt8](repeating: 1, count: 64))
        try gzip(lie, to: folder + "/train-images-idx3-ubyte.gz")
        try FileManager.default.removeItem(atPath: folder + "/train-images-idx3-ubyte")
        try expectRefusal(["data", "--data", folder], mentioning: ["train-images-idx3-ubyte.gz", "header promises", "more than"])
    }

    // 5. An empty output folder would be the filesystem root; a file is not a folder.
    @Test func emptyOrFileOutputFoldersAreRefused() throws {
        let folder = makeTemporaryFolder("out")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = ["train", "--method", "simclr", "--data", "synthetic", "--train-size", "256", "--batch", "64", "--epochs", "1"]
        let rootRunBefore = FileManager.default.fileExists(atPath: "/simclr/run.json")
        try expectRefusal(base + ["--out", ""], status: 64, mentioning: ["--out", "empty"])
        try expectRefusal(base + ["--out", "/etc/passwd"], status: 64, mentioning: ["/etc/passwd", "is a file, not a folder"])
        try expectRefusal(["export", folder, "--out", ""], status: 64, mentioning: ["--out", "empty"])
        #expect(rootRunBefore || !FileManager.default.fileExists(atPath: "/simclr/run.json"), "a run was written at the filesystem root")
        let experiment = folder + "/empty-out.json"
        writeFile(atPath: experiment, contents: Data(#"{"methods": ["simclr"], "epochs": 1, "train_size": 256, "batch": 64, "data": "synthetic", "out": ""}"#.utf8))
        try expectRefusal(["compare", "--config", experiment], mentioning: ["output folder is empty"])
    }

    // 6. Rows out of order in metrics.csv.
    @Test func outOfOrderMetricsRowsAreRefusedOnResume() throws {
        let out = makeTemporaryFolder("order")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out, epochs: 2)
        let path = out + "/simclr/metrics.csv"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.swapAt(1, 2)
        writeFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        try expectRefusal(["train", "--method", "simclr", "--data", "synthetic", "--train-size", "256", "--batch", "64", "--epochs", "2",
                           "--resume", "--out", out], mentioning: [path, "row 2 is epoch 1 where epoch 0 belongs"])
    }

    // 7. A checkpoint copied from another run's folder.
    @Test func aCheckpointFromAnotherRunIsRefused() throws {
        let out = makeTemporaryFolder("foreign")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out, seed: 0, epochs: 2)
        try trainSmallRun(out: out, seed: 7, epochs: 2)
        // Mark the seed-0 run unfinished so that --resume reads its checkpoint.
        let record = out + "/simclr/run.json"
        let text = try String(contentsOfFile: record, encoding: .utf8).replacingOccurrences(of: "\"done\"", with: "\"stopped\"")
        writeFile(atPath: record, contents: Data(text.utf8))
        try FileManager.default.removeItem(atPath: out + "/simclr/checkpoint.bin")
        try FileManager.default.copyItem(atPath: out + "/simclr-seed7/checkpoint.bin", toPath: out + "/simclr/checkpoint.bin")
        try expectRefusal(["train", "--method", "simclr", "--data", "synthetic", "--train-size", "256", "--batch", "64", "--epochs", "2",
                           "--resume", "--out", out], mentioning: ["checkpoint.bin", "belongs to another run", "seed 7 → 0"])
    }

    // 8, 9, 11, 12. Export: names, what it cannot read, its own folder, and pooling.
    @Test func exportNamesAreSanitisedAndRunFilesNeverOverwritten() throws {
        let out = makeTemporaryFolder("export-names")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out + "/runs")
        let run = out + "/runs/simclr"
        let before = try #require(FileManager.default.contents(atPath: run + "/metrics.csv"))
        try expectRefusal(["export", run, "--out", run], status: 1, mentioning: ["is a run folder", "would replace the run's own"])
        #expect(FileManager.default.contents(atPath: run + "/metrics.csv") == before, "the run's metrics were overwritten")

        // A run.json whose name leaves the folder.
        try FileManager.default.copyItem(atPath: run, toPath: out + "/evil")
        let record = out + "/evil/run.json"
        let text = try String(contentsOfFile: record, encoding: .utf8)
            .replacingOccurrences(of: "\"name\" : \"simclr\"", with: "\"name\" : \"x/../../ESCAPED\"")
        writeFile(atPath: record, contents: Data(text.utf8))
        try expectRefusal(["export", out + "/evil", "--out", out + "/deep/export"], mentioning: ["not a plain folder name"])
        #expect(!FileManager.default.fileExists(atPath: out + "/ESCAPED.png") && !FileManager.default.fileExists(atPath: out + "/deep/ESCAPED.png"))
        #expect(Exporter.fileSafe("x/../../ESCAPED") == "x_.._.._ESCAPED" && Exporter.fileSafe("..") == "_")
    }

    @Test func exportSaysWhatItCouldNotReadAndCountsEachRunOnce() throws {
        let out = makeTemporaryFolder("export-notes")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out + "/runs")
        let run = out + "/runs/simclr"
        try FileManager.default.copyItem(atPath: run, toPath: out + "/damaged")
        writeFile(atPath: out + "/damaged/references.json", contents: Data("{broken".utf8))
        writeFile(atPath: out + "/damaged/class-distances.csv", contents: Data("a,b\n1\n".utf8))
        let damaged = try WorkbenchBinary.run(["export", out + "/damaged", "--out", out + "/e1", "--format", "csv"])
        #expect(damaged.status == 0)
        #expect(damaged.standardError.contains("references.json: not valid reference lines"), "\(damaged.standardError)")
        #expect(damaged.standardError.contains("class-distances.csv: malformed"), "\(damaged.standardError)")
        try FileManager.default.removeItem(atPath: out + "/damaged/metrics.csv")
        try FileManager.default.removeItem(atPath: out + "/damaged/checkpoint.bin")
        let missing = try WorkbenchBinary.run(["export", out + "/damaged", "--out", out + "/e2", "--format", "csv"])
        #expect(missing.standardError.contains("metrics.csv: missing"), "\(missing.standardError)")

        // The same folder twice, and a copy of a run (same configuration and seed), count once.
        try FileManager.default.copyItem(atPath: run, toPath: out + "/runs/copy")
        let twice = try WorkbenchBinary.run(["export", run, run, out + "/runs/copy", "--out", out + "/e3", "--format", "csv"])
        #expect(twice.status == 0)
        #expect(twice.standardError.contains("given twice") && twice.standardError.contains("same configuration and seed"), "\(twice.standardError)")
        let summary = CSV.parse(try String(contentsOfFile: out + "/e3/summary.csv", encoding: .utf8))
        #expect(summary.count == 2 && summary[1][2] == "1", "one run, one seed: \(summary)")
        #expect(twice.standardOutput.hasPrefix("exported 1 runs"), "\(twice.standardOutput)")
    }

    @Test func runsSharingANameButNotAConfigurationAreNotPooled() throws {
        let out = makeTemporaryFolder("export-pool")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out + "/a", epochs: 2)
        try trainSmallRun(out: out + "/b", epochs: 1)
        try trainSmallRun(out: out + "/c", epochs: 1, extra: ["--lr", "0.03"])
        let result = try WorkbenchBinary.run(["export", out + "/a", out + "/b", out + "/c", "--out", out + "/e", "--format", "csv,md"])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = CSV.parse(try String(contentsOfFile: out + "/e/summary.csv", encoding: .utf8)).dropFirst().filter { $0.count > 3 }
        #expect(rows.map { $0[0] } == ["a/simclr", "b/simclr", "c/simclr"], "\(rows)")
        #expect(rows.allSatisfy { $0[2] == "1" }, "each run is its own configuration: \(rows)")
        // Each row is that run's own final accuracy, not the last one read.
        let finals = rows.map { $0[3] }
        for (folder, final) in zip(["a", "b", "c"], finals) {
            let metrics = CSV.parse(try String(contentsOfFile: out + "/\(folder)/simclr/metrics.csv", encoding: .utf8))
            let column = try #require(metrics.first?.firstIndex(of: "knn_top1"))
            #expect(Double(metrics.last?[column] ?? "").map { String(format: "%.2f", $0) } == final)
        }
        // No supervised run: the summary does not call another method's value a supervised goal.
        let markdown = try String(contentsOfFile: out + "/e/summary.md", encoding: .utf8)
        #expect(markdown.contains("no supervised run") && !markdown.contains("the supervised runs' mean"))
    }

    // 10. Data sets that cannot be evaluated.
    @Test func dataSetsThatCannotBeEvaluatedAreRefused() throws {
        let folder = makeTemporaryFolder("meaningless")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let noTest = folder + "/no-test", oneClass = folder + "/one-class"
        for path in [noTest, oneClass] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        writeIDX(in: noTest, count: 40, side: 8, testCount: 0)
        writeIDX(in: oneClass, count: 40, side: 8, label: { _ in 3 })
        try expectRefusal(["data", "--data", noTest], mentioning: [noTest, "no test images"])
        try expectRefusal(["data", "--data", oneClass], mentioning: [oneClass, "all of one class"])

        // PNG train/ and test/ with different classes.
        let pngs = folder + "/pngs"
        for (split, classes) in [("train", ["cat", "dog", "owl"]), ("test", ["cat", "dog"])] {
            for name in classes {
                let path = "\(pngs)/\(split)/\(name)"
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                for i in 0..<3 { #expect(writePNG([UInt8](repeating: UInt8(40 * i), count: 64), width: 8, height: 8, to: "\(path)/\(i).png")) }
            }
        }
        try expectRefusal(["data", "--data", pngs], mentioning: ["same class folders", "only train/ has owl"])

        // A PNG whose compressed image stream is cut short inside a valid IDAT chunk.
        let cut = folder + "/cut"
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: "\(cut)/\(name)", withIntermediateDirectories: true)
            for i in 0..<5 {
                let pixels = (0..<(64 * 64)).map { UInt8(($0 * 13 + i * 7) % 251) }
                #expect(writePNG(pixels, width: 64, height: 64, to: "\(cut)/\(name)/\(i).png"))
            }
        }
        let victim = "\(cut)/a/0.png"
        writeFile(atPath: victim, contents: Data(try truncatingIDATStream(try #require(FileManager.default.contents(atPath: victim)))))
        try expectRefusal(["data", "--data", cut], mentioning: [victim, "damaged"])
        // A zero-byte PNG gets the workbench's words, not libpng's.
        writeFile(atPath: victim, contents: Data())
        try expectRefusal(["data", "--data", cut], mentioning: [victim, "is empty (0 bytes)"])
    }

    /// The PNG with its IDAT's zlib stream cut to a third, the chunk's length and CRC made
    /// valid again, so only the compressed data is short.
    func truncatingIDATStream(_ png: Data) throws -> [UInt8] {
        var bytes = [UInt8](png)
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if type == "IDAT" {
                let keep = length / 3
                var chunk = Array(bytes[(offset + 4)..<(offset + 8 + keep)])
                let crc = crc32(chunk)
                let lengthBytes = [UInt8(keep >> 24), UInt8((keep >> 16) & 0xFF), UInt8((keep >> 8) & 0xFF), UInt8(keep & 0xFF)]
                chunk += [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
                bytes = Array(bytes[..<offset]) + lengthBytes + chunk + Array(bytes[(offset + 12 + length)...])
                return bytes
            }
            offset += 12 + length
        }
        throw DataError("png", "no IDAT chunk")
    }

    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    // 14. A 2,000-class run exports in seconds, its heat map bounded.
    @Test func aTwoThousandClassRunExportsABoundedHeatMapQuickly() throws {
        let out = makeTemporaryFolder("classes")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out)
        let n = 2000
        var text = (0..<n).map { "c\($0)" }.joined(separator: ",") + "\n"
        func distance(_ r: Int, _ c: Int) -> String {
            if r == c { return "0.0000" }
            let value = 1 + Double((r * 31 + c * 17) % 97) / 50
            return String(format: "%.4f", value)
        }
        for r in 0..<n {
            let row: [String] = (0..<n).map { distance(r, $0) }
            text += row.joined(separator: ",") + "\n"
        }
        writeFile(atPath: out + "/simclr/class-distances.csv", contents: Data(text.utf8))
        let started = Date()
        let result = try WorkbenchBinary.run(["export", out + "/simclr", "--out", out + "/e", "--format", "png,svg"])
        let seconds = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(seconds < 60 * sanitizerSlowdown, "export took \(seconds) s")
        let svg = try String(contentsOfFile: out + "/e/centres-simclr.svg", encoding: .utf8)
        #expect(svg.contains("40 of 2000 classes"))
        #expect(svg.components(separatedBy: "<rect").count < 3000, "the heat map is not bounded")
    }

    // 15. Weights that become non-finite in the last epoch; headless runs stopped by signals.
    @Test func headlessTrainingStoppedBySignalsSavesAndSaysSo() throws {
        for (signal, status) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130))] {
            let out = makeTemporaryFolder("signal")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: WorkbenchBinary.path)
            process.arguments = ["train", "--method", "simclr", "--data", "synthetic", "--train-size", "2048", "--batch", "64",
                                 "--epochs", "50", "--out", out]
            var environment = ProcessInfo.processInfo.environment
            environment["WORKBENCH_THREADS"] = "1"
            process.environment = environment
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Wait for the first finished epoch, then signal mid-epoch.
            let metrics = out + "/simclr/metrics.csv"
            let deadline = Date().addingTimeInterval(120 * sanitizerSlowdown)
            while Date() < deadline && ((try? String(contentsOfFile: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 3 {
                usleep(50_000)
            }
            usleep(200_000)
            kill(process.processIdentifier, signal)
            let stderr = String(decoding: readToEnd(err.fileHandleForReading), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == status, "\(StopSignal.name(signal)): exit \(process.terminationStatus)")
            #expect(stderr.contains("stopped by \(StopSignal.name(signal))") && stderr.contains("--resume"), "\(stderr)")
            let record = try RunFolder(path: out + "/simclr").readRecord()
            #expect(record.status == .stopped && record.message?.contains(StopSignal.name(signal)) == true)
            // Resumable: the run reopens at its checkpoint, one epoch after its last saved row.
            let folder = RunFolder(path: out + "/simclr")
            let rows = try folder.readMetrics().count
            let resumed = try TrainingRun(config: record.config, data: SyntheticShapes.dataset().limitingTrain(to: 2048),
                                          folder: folder, resume: true)
            #expect(rows >= 2 && resumed.nextEpoch == rows && !resumed.isFinished)
        }
    }

    // 16. Messages that mislead; one exit-status convention.
    @Test func negativeValuesAndBadFlagsGetTheirOwnMessagesAndStatus64() throws {
        let base = ["train", "--method", "triplet", "--data", "synthetic", "--out", "/tmp/never-written"]
        try expectRefusal(base + ["--lr", "-1"], status: 64, mentioning: ["--lr must be positive", "-1"])
        try expectRefusal(base + ["--seed", "-1"], status: 64, mentioning: ["'-1' is invalid for '--seed"])
        try expectRefusal(base + ["--skip", "-1"], status: 64, mentioning: ["--skip must be ≥ 0"])
        try expectRefusal(base + ["--epochs", "1000000000"], status: 64, mentioning: ["epochs 1000000000 is more than 100000"])
        try expectRefusal(base + ["--lr", "inf"], status: 64, mentioning: ["--lr must be positive and finite"])
        try expectRefusal(base + ["--lr", "nan"], status: 64, mentioning: ["--lr must be positive and finite"])
        try expectRefusal(base + ["--gamma", "0"], status: 64, mentioning: ["--gamma must be positive"])
        try expectRefusal(base + ["--seeds", ",,"], status: 64, mentioning: ["--seeds is empty"])
        try expectRefusal(base + ["--seeds", "0..2000"], status: 64, mentioning: ["'0..2000' is not valid"])
        let many = (0...2000).map(String.init).joined(separator: ",")
        try expectRefusal(["compare", "--data", "synthetic", "--seeds", many], status: 64, mentioning: ["2001 seeds", "at most 1000"])
    }

    @Test func trainTakesSeedsLikeCompare() throws {
        let out = makeTemporaryFolder("train-seeds")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try WorkbenchBinary.run(["train", "--method", "simclr", "--data", "synthetic", "--train-size", "256", "--batch", "64",
                                              "--epochs", "1", "--seeds", "0,3", "--quiet", "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(RunFolder(path: out + "/simclr").exists && RunFolder(path: out + "/simclr-seed3").exists)
    }

    @Test func aRunRecordWithABadValueSaysWhereNotNotJSON() throws {
        let out = makeTemporaryFolder("bad-value")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try trainSmallRun(out: out)
        let record = out + "/simclr/run.json"
        let text = try String(contentsOfFile: record, encoding: .utf8).replacingOccurrences(of: "\"method\" : \"simclr\"", with: "\"method\" : \"simclrx\"")
        writeFile(atPath: record, contents: Data(text.utf8))
        let result = try expectRefusal(["export", out, "--out", out + "/e"], mentioning: ["bad value at config.method"])
        #expect(!result.standardError.contains("not JSON"))
    }

    @Test func customIDXSetsUseTheirOwnStatisticsAndClassNames() throws {
        let folder = makeTemporaryFolder("custom-idx")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        writeIDX(in: folder, count: 40, side: 8, label: { $0 % 4 })
        let data = try DataCatalog.load(folder)
        #expect(data.classNames == ["0", "1", "2", "3"])
        let own = Dataset.statistics(of: data.train)
        #expect(data.normalisation == Normalisation(mean: own.mean, std: own.std) && own.mean != FashionMNIST.mean)
    }
}

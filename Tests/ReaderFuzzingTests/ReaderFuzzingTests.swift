import Evaluation
import Foundation
import ReaderFuzzing
import Testing
import TestSupport
import Trainer
import Reporting

/// The committed seed corpus under `Fuzz/corpus/<target>/`, shared with `make fuzz`.
enum Corpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus").path

    static func files(_ target: FuzzTarget) -> [(name: String, bytes: [UInt8])] {
        let folder = root + "/" + target.rawValue
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return names.compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).map { (name, [UInt8]($0)) }
        }
    }
}

/// Deterministic mutations of the kinds libFuzzer makes: bit flips, boundary bytes, large
/// numbers, truncation, duplicated and inserted chunks.
struct Mutator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(max(bound, 1)))
    }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...next(4) {
            let at = next(bytes.count + 1)
            switch next(7) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << next(8))
            case 1 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = [0, 0xFF, 0x7F, 0x80, 0x01][next(5)]
            case 2 where bytes.count >= 4:
                let start = min(at, bytes.count - 4)
                let word: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0x80, 0, 0, 0]][next(4)]
                bytes.replaceSubrange(start..<(start + 4), with: word)
            case 3: bytes = Array(bytes.prefix(at))
            case 4 where !bytes.isEmpty:
                let start = next(bytes.count), length = min(next(64) + 1, bytes.count - start)
                bytes.insert(contentsOf: bytes[start..<(start + length)], at: at)
            case 5: bytes.insert(contentsOf: (0..<(next(16) + 1)).map { _ in UInt8(next(256)) }, at: at)
            default: if !bytes.isEmpty { bytes.remove(at: min(at, bytes.count - 1)) }
            }
        }
        return bytes
    }
}

@Suite struct ReaderFuzzingTests {
    @Test(arguments: FuzzTarget.allCases)
    func committedCorpusHoldsInputsTheReaderAccepts(target: FuzzTarget) {
        let files = Corpus.files(target)
        #expect(!files.isEmpty, "Fuzz/corpus/\(target.rawValue) is empty")
        let accepted = files.filter { target.run($0.bytes) }
        #expect(!accepted.isEmpty, "no seed of \(target.rawValue) is accepted: the corpus is stale")
    }

    /// The smoke run: every seed and a few thousand mutations of them through the reader.
    /// A crash ends the test process, so reaching the end is the assertion.
    @Test(arguments: FuzzTarget.allCases)
    func readerSurvivesMutatedInputs(target: FuzzTarget) {
        var mutator = Mutator(state: 0x5EED ^ UInt64(target.rawValue.utf8.count))
        let seeds = Corpus.files(target).map(\.bytes) + [[], [0], [UInt8](repeating: 0xFF, count: 64)]
        var runs = 0
        let started = Date()
        while runs < 20_000 && Date().timeIntervalSince(started) < 10 {
            let seed = seeds[mutator.next(seeds.count)]
            target.run(mutator.mutate(seed))
            runs += 1
        }
        #expect(runs >= 1000, "only \(runs) inputs in 10 s: a reader is too slow on bad input")
    }

    @Test func regressionsFoundByFuzzingAreRefusedCleanly() throws {
        // A count above Int.max in a checkpoint used to trap when converted.
        var body = [UInt8]("WBCK".utf8) + [1, 0, 0, 0] + [0, 0, 0, 0]
        body += [UInt8](repeating: 0xFF, count: 8)
        #expect(throws: DataError.self) { try Checkpoint.decode(Checkpoint.sealed(body), path: "x") }
        // An experiment that multiplies out to millions of runs is refused, not expanded.
        let huge = Data(#"{"methods": ["triplet"], "seeds": [\#((0..<1000).map(String.init).joined(separator: ","))], "triplet": {"skip": [\#((0..<100).map(String.init).joined(separator: ","))]}}"#.utf8)
        #expect(throws: DataError.self) { try ExperimentFile.parse(huge, path: "x") }
        // A gzip bomb and a header promising a terabyte are refused, not inflated (issue 27).
        for name in ["bomb.idx.gz", "lying-size.idx.gz"] {
            let bytes = Corpus.files(.idx).first { $0.name == name }?.bytes ?? []
            #expect(!bytes.isEmpty && !FuzzTarget.idx.run(bytes), "\(name) is missing or accepted")
        }
        // A run.json asking for an absurd queue is refused before anything is allocated.
        var config = RunConfig(method: .moco)
        config.settings.queueSize = Int.max
        #expect(!config.problems().isEmpty)
    }

    /// Writes the seed corpus from the program's own writers. Run by `make fuzz-corpus`
    /// (WORKBENCH_WRITE_CORPUS=1); otherwise it does nothing.
    @Test func writeSeedCorpus() throws {
        guard ProcessInfo.processInfo.environment["WORKBENCH_WRITE_CORPUS"] == "1" else { return }
        let scratch = makeTemporaryFolder("corpus")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        func save(_ target: FuzzTarget, _ name: String, _ bytes: [UInt8]) throws {
            let folder = Corpus.root + "/" + target.rawValue
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        func file(_ path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? [] }

        let images = IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [3, 4, 4], bytes: (0..<48).map { UInt8($0 * 5) })
        let labels = IDXFile.encode(magic: IDXFile.labelMagic, dimensions: [3], bytes: [0, 1, 2])
        try save(.idx, "images.idx", images)
        try save(.idx, "labels.idx", labels)
        try gzip(images, to: scratch + "/images.gz")
        try gzip(labels, to: scratch + "/labels.gz")
        try save(.idx, "images.idx.gz", file(scratch + "/images.gz"))
        try save(.idx, "labels.idx.gz", file(scratch + "/labels.gz"))
        // Refused seeds, so the fuzzers start from the hostile cases: a gzip bomb (a 3-image
        // header, then 1 MiB of zeros) and a header that promises a terabyte.
        try gzip(IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [3, 4, 4], bytes: [UInt8](repeating: 0, count: 1 << 20)),
                 to: scratch + "/bomb.gz")
        try save(.idx, "bomb.idx.gz", file(scratch + "/bomb.gz"))
        try gzip(IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [1_000_000, 1024, 1024], bytes: (0..<64).map(UInt8.init)),
                 to: scratch + "/lying.gz")
        try save(.idx, "lying-size.idx.gz", file(scratch + "/lying.gz"))

        #expect(writePNG((0..<15).map { UInt8($0 * 17) }, width: 5, height: 3, to: scratch + "/grey.png"))
        try save(.png, "grey-5x3.png", file(scratch + "/grey.png"))
        try save(.png, "rgba-6x4.png", [UInt8](try RasterCanvas(width: 6, height: 4).pngData()))

        #expect(writeColourPNG(patternRGB(side: 4, index: 1), width: 4, height: 4, to: scratch + "/rgb.png"))
        try save(.png, "rgb-4x4.png", file(scratch + "/rgb.png"))
        try save(.jpeg, "rgb-8x8.jpg", jpegBytes(patternRGB(side: 8, index: 2), width: 8, height: 8, channels: 3))
        try save(.jpeg, "grey-8x6.jpg", jpegBytes((0..<48).map { UInt8($0 * 5) }, width: 8, height: 6, channels: 1))
        let jpeg = jpegBytes(patternRGB(side: 16, index: 3), width: 16, height: 16, channels: 3)
        try save(.jpeg, "truncated.jpg", Array(jpeg.prefix(jpeg.count / 2)))
        try save(.cifar, "cifar10-2.bin", [3] + cifarPlanes(patternRGB(side: 32, index: 0)) + [9] + cifarPlanes(patternRGB(side: 32, index: 1)))
        try save(.cifar, "cifar100-1.bin", [4, 77] + cifarPlanes(patternRGB(side: 32, index: 2)))
        try save(.cifar, "short-record.bin", [3] + Array(cifarPlanes(patternRGB(side: 32, index: 0)).prefix(3000)))
        try save(.stl10, "images-1.bin", stl10Planes(patternRGB(side: 96, index: 4)))
        try save(.stl10, "labels.bin", [1, 10, 5])
        try save(.stl10, "bad-label.bin", [0, 11])

        var config = RunConfig(method: .triplet)
        config.epochs = 2
        let checkpoint = Checkpoint(epoch: 1, globalStep: 10, wallSeconds: 1.5, rngState: [1, 2, 3, 4],
                                    configJSON: try JSONEncoder().encode(config), tensors: [[1, 2, 3], [4]], integers: [7, -1])
        try save(.checkpoint, "small.bin", [UInt8](checkpoint.encoded()))

        let folder = RunFolder(path: scratch + "/run")
        try folder.create()
        var record = RunRecord(name: config.name, config: config, dataSet: "synthetic", dataChecksum: "0123abcd",
                               trainImages: 1536, testImages: 4000)
        record.startedAt = Date(timeIntervalSince1970: 1_790_000_000)
        try folder.write(record)
        try save(.runRecord, "run.json", file(folder.recordPath))

        var first = EpochMetrics(epoch: 0)
        first.knnTop1 = 78.14
        first.linearTop1 = 80.5
        first.classDivergence = 1.25
        first.prOmegaAnalytic = 0.5
        var second = EpochMetrics(epoch: 1)
        second.loss = 3.5
        second.knnTop1 = 79
        second.prOmegaMeasured = 0.4
        second.imagesPerSecond = 4000
        second.wallSeconds = 12.5
        var third = EpochMetrics(epoch: 2)
        third.loss = .nan
        third.diverged = true
        try folder.writeMetrics([first, second, third], run: "triplet, \"quoted\"", method: .triplet)
        try save(.metrics, "metrics.csv", file(folder.metricsPath))

        try folder.writeCentreDistances([0, 2.5, 3, 2.5, 0, 1.5, 3, 1.5, 0], classNames: ["a", "b,c", "d"])
        try save(.classDistances, "class-distances.csv", file(folder.centresPath))

        let examples = Corpus.root + "/../../examples"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: examples)) ?? []).sorted() where name.hasSuffix(".json") {
            try save(.experiment, name, file(examples + "/" + name))
        }
        try save(.experiment, "inline.json", Array(#"{"description": "x", "data": "synthetic", "epochs": 2, "seeds": [0, 1], "methods": ["byol", "triplet"], "triplet": {"skip": [0, 5], "deputies": [1, 9], "negative": "truncated"}}"#.utf8))
    }
}

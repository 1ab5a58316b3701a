import Foundation
import Testing
@testable import Evaluation
import Vocabulary
import Reporting

@Suite struct KNNTests {
    @Test func votesAreWeightedBySimilarity() {
        // Two training points of class 0 near (1, 0), one of class 1 at (0, 1).
        let train: [Float] = [1, 0.1, 1, -0.1, 0, 1]
        let knn = KNNClassifier(k: 2, temperature: 0.1, blockRows: 1)
        let predictions = knn.predict(train: train, trainLabels: [0, 0, 1], test: [2, 0.3, 0.1, 1],
                                      dimension: 2, classCount: 2)
        #expect(predictions == [0, 1])
        #expect(knn.accuracy(train: train, trainLabels: [0, 0, 1], test: [2, 0.3, 0.1, 1], testLabels: [0, 0],
                             dimension: 2, classCount: 2) == 50)
    }

    @Test func blockSizeDoesNotChangeTheAnswer() {
        var state: UInt64 = 1
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        let train = (0..<(300 * 8)).map { _ in next() }, test = (0..<(50 * 8)).map { _ in next() }
        let labels = (0..<300).map { $0 % 4 }
        let a = KNNClassifier(k: 20, blockRows: 7).predict(train: train, trainLabels: labels, test: test, dimension: 8, classCount: 4)
        let b = KNNClassifier(k: 20, blockRows: 512).predict(train: train, trainLabels: labels, test: test, dimension: 8, classCount: 4)
        #expect(a == b)
    }

    @Test func topKFindsTheLargestValues() {
        let data: [Float] = [5, 1, 9, 3, 7, 2, 8]
        var values = [Float](repeating: 0, count: 3), indices = [Int](repeating: 0, count: 3)
        TopK.select(data, from: 0, count: data.count, k: 3, values: &values, indices: &indices)
        #expect(Set(indices) == [2, 4, 6])
    }
}

@Suite struct ClusteringDiagnosticsTests {
    @Test func classDivergenceOfTwoSeparatedPairs() {
        // Class 0 at (±1, 0) around (0, 0); class 1 at (10 ± 1, 0) around (10, 0).
        // Mean squared distance to the centre is 1, so the centre distance 10 is the divergence.
        let x: [Float] = [-1, 0, 1, 0, 9, 0, 11, 0]
        let d = ClusteringDiagnostics.classDivergence(x, labels: [0, 0, 1, 1], dimension: 2, classCount: 2)
        #expect(abs(d - 10) < 1e-9)
        // Scale-free: doubling every coordinate changes nothing.
        let doubled = ClusteringDiagnostics.classDivergence(x.map { $0 * 2 }, labels: [0, 0, 1, 1], dimension: 2, classCount: 2)
        #expect(abs(doubled - 10) < 1e-9)
    }

    /// The figures quoted in the reference workloads for 255 candidates and 10 classes.
    @Test func deputyProbabilityMatchesTheReferenceTable() {
        func p(_ skip: Int) -> Double {
            ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: 255, classes: 10, skip: skip)
        }
        #expect(p(1) > 0.9999)
        #expect(abs(p(10) - 0.9997) < 0.0002)
        #expect(abs(p(20) - 0.85) < 0.01)
        #expect(abs(p(25) - 0.49) < 0.01)
        #expect(abs(p(30) - 0.15) < 0.01)
        #expect(abs(p(40) - 0.002) < 0.001)
        #expect(p(255) == 0)
    }

    @Test func deputyProbabilityIsStableForHugeCandidateSets() {
        let p = ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: 1_000_000, classes: 1000, skip: 1000)
        #expect(p.isFinite && p > 0.4 && p < 0.6)  // skip + 1 ≈ the mean: about one half
        let tiny = ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: 1_000_000, classes: 1000, skip: 2000)
        #expect(tiny >= 0 && tiny < 1e-100)
    }

    @Test func anyNegativeProbability() {
        #expect(abs(ClusteringDiagnostics.anyFalseNegativeProbability(candidates: 1, classes: 10) - 0.1) < 1e-12)
        #expect(abs(ClusteringDiagnostics.anyFalseNegativeProbability(candidates: 2, classes: 2) - 0.75) < 1e-12)
        #expect(ClusteringDiagnostics.anyFalseNegativeProbability(candidates: 4096, classes: 10) > 0.999999)
    }
}

@Suite struct FileTests {
    @Test func csvRoundTripsAwkwardFields() {
        let fields = ["plain", "with,comma", "with \"quote\"", "two\nlines", ""]
        let line = fields.map(CSV.quote).joined(separator: ",") + "\n"
        #expect(CSV.parse(line + "a,b\n") == [fields, ["a", "b"]])
    }

    @Test func atomicWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let folder = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write("first", to: folder + "/f.txt")
        try AtomicFile.write("second", to: folder + "/f.txt")
        #expect(try String(contentsOfFile: folder + "/f.txt", encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["f.txt"])
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: folder + "/missing/f.txt") }
    }
}

@Suite struct MetricsFileTests {
    @Test func rowsRoundTripWithDivergedAndNonFiniteLoss() {
        var ok = EpochMetrics(epoch: 0)
        ok.knnTop1 = 78.5
        var bad = EpochMetrics(epoch: 1)
        bad.loss = .nan
        bad.diverged = true
        let text = EpochMetrics.csvHeader + EpochMetrics.csv([ok, bad], run: "a,b", method: .simclr)
        let table = CSV.parse(text)
        let status = table[0].firstIndex(of: "status") ?? 0
        #expect(table[2][3] == "nan" && table[2][status] == "diverged" && table[1][status] == "ok")
        let reader = EpochMetricsReader(header: table[0])
        let back = table.dropFirst().compactMap { reader?.read($0) }
        #expect(back.count == 2 && back[0] == ok && back[1].diverged && back[1].loss?.isNaN == true)
    }

    /// A file edited by hand or written by another program: non-finite accuracies and
    /// diagnostics read as missing (drawing them used to trap converting NaN to a bar width).
    @Test func nonFiniteValuesReadAsMissingExceptADivergedLoss() throws {
        let text = EpochMetrics.csvHeader
            + "x,triplet,0,,nan,inf,-inf,1.0,nan,,1.0,ok,nan,,,,,,1.0\n"
            + "x,triplet,1,nan,80.00,81.00,1.2,1.0,0.2,100,2.0,ok,0.02,40,,0.05,20,1.0,1.0\n"
            + "x,triplet,2,inf,,,,,,,,diverged,,,,,,,\n"
        let table = CSV.parse(text)
        let reader = try #require(EpochMetricsReader(header: table[0]))
        let rows = table.dropFirst().compactMap { reader.read($0) }
        #expect(rows.count == 3)
        #expect(rows[0].knnTop1 == nil && rows[0].linearTop1 == nil && rows[0].classDivergence == nil)
        #expect(rows[0].prOmegaMeasured == nil && rows[0].repStd == nil && rows[0].prOmegaAnalytic == 1)
        #expect(rows[1].loss == nil && rows[1].knnTop1 == 80)
        #expect(rows[2].diverged && rows[2].loss == .infinity)
        let values = rows.flatMap { [$0.knnTop1, $0.linearTop1, $0.classDivergence, $0.prOmegaMeasured, $0.repStd] }
        #expect(values.allSatisfy { $0?.isFinite ?? true })
    }

    @Test func filesFromOlderVersionsLoadByColumnName() {
        // Version 0.2 wrote no status column; a later one may add columns this one ignores.
        let old = CSV.parse("run,method,epoch,loss,knn_top1\nx,byol,0,,77.50\nx,byol,1,1.25,78.00\n")
        let reader = EpochMetricsReader(header: old[0])
        #expect(reader?.read(old[2])?.knnTop1 == 78 && reader?.read(old[2])?.diverged == false)
        let newer = CSV.parse("run,method,epoch,rep_std,knn_top1\nx,byol,3,0.02,80.00\n")
        #expect(EpochMetricsReader(header: newer[0])?.read(newer[1])?.knnTop1 == 80)
        #expect(EpochMetricsReader(header: ["run", "loss"]) == nil)
        #expect(reader?.read(["x", "byol", "one", "", ""]) == nil)
        #expect(reader?.read(["x", "byol", "1", "abc", ""]) == nil)
        #expect(reader?.read(["x", "byol", "1"]) == nil)
    }
}

/// The one rule for pooling runs as seeds (issue 27, items 9 and 12).
@Suite struct RunGroupingTests {
    func run(_ name: String, folder: String, identity: String, seed: UInt64 = 0, knn: Double) -> RunMetrics {
        var row = EpochMetrics(epoch: 1)
        row.knnTop1 = knn
        var metrics = RunMetrics(RunIdentity(method: .simclr, seed: seed), run: name, rows: [row])
        metrics.configKey = identity
        metrics.group = RunIdentity.groupName(ofFolderName: name)
        metrics.folder = folder
        return metrics
    }

    @Test func seedsPoolOnlyWithTheSameConfiguration() {
        let runs = [run("simclr", folder: "a/simclr", identity: "A", knn: 60), run("simclr-seed1", folder: "a/simclr-seed1", identity: "A", seed: 1, knn: 62),
                    run("simclr", folder: "b/simclr", identity: "B", knn: 10)]
        let (prepared, notes) = RunGrouping.prepare(runs)
        #expect(prepared.map(\.group) == ["a/simclr", "a/simclr", "b/simclr"])
        #expect(notes.count == 1)
        let rows = CSV.parse(Tables.summaryCSV(prepared)).dropFirst().filter { $0.count > 3 }
        #expect(rows.map { $0[2] } == ["2", "1"])
        #expect(rows.map { $0[3] } == ["61.00", "10.00"], "each group its own mean: \(rows)")
    }

    @Test func copiesAndRepeatedFoldersCountOnce() {
        let runs = (0..<28).map { i in run("simclr", folder: "copy\(i)/simclr", identity: "A", knn: 60) }
            + [run("simclr", folder: "copy0/simclr", identity: "A", knn: 60)]
        let (prepared, notes) = RunGrouping.prepare(runs)
        #expect(prepared.count == 1 && notes.count == 28)
        #expect(CSV.parse(Tables.summaryCSV(prepared))[1][2] == "1")
    }
}

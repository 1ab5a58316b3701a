import Foundation
import Testing
import TestSupport
import Trainer
@testable import TUI
import Vocabulary

/// The `e` key's export: from the runs' folders, on a thread of its own.
@Suite struct ExportJobTests {
    func waitForExport(_ job: ExportJob, after revision: Int) -> String? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let status = job.status
            if status.revision > revision, let message = status.message, message != "exporting…" { return message }
            usleep(20_000)
        }
        return nil
    }

    @Test func exportsTheRunsOnScreenFromTheirFoldersWhileTheCallerGoesOn() throws {
        let out = makeTemporaryFolder("export-job")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let data = SyntheticShapes.dataset(trainCount: 256, testCount: 100)
        var config = RunConfig(method: .simclr)
        (config.epochs, config.batch) = (1, 64)
        do {
            let run = try TrainingRun(config: config, data: data, folder: RunFolder(path: out + "/" + config.name), resume: false)
            while !run.isFinished { try run.advance() }
        }
        var snapshot = SessionSnapshot(dataName: data.name, outDirectory: out, runs: [RunSnapshot(config: config)])
        // A run on screen without a folder yet (queued in a watched experiment) is passed by.
        snapshot.runs.append(RunSnapshot(config: RunConfig(method: .byol)))
        let job = ExportJob()
        #expect(job.status.revision == 0 && job.status.message == nil)
        job.start(snapshot)
        #expect(job.status.message == "exporting…" || job.status.message?.hasPrefix("exported") == true, "returns at once")
        let message = try #require(waitForExport(job, after: 1))
        #expect(message.hasPrefix("exported ") && message.contains("files to \(out)/export"), "\(message)")
        #expect(FileManager.default.fileExists(atPath: out + "/export/summary.csv"))
        #expect(FileManager.default.fileExists(atPath: out + "/export/accuracy-knn.png"))

        // Nothing to export: said in one line.
        #expect(ExportJob.export([], dataName: "x", to: out + "/none") == "export: no run has a folder yet")
    }

    @Test func aSecondPressWhileExportingSaysSo() throws {
        let out = makeTemporaryFolder("export-job-busy")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let data = SyntheticShapes.dataset(trainCount: 256, testCount: 100)
        var configs: [RunConfig] = []
        for method in MethodKind.allCases {
            var c = RunConfig(method: method)
            (c.epochs, c.batch) = (1, 64)
            let run = try TrainingRun(config: c, data: data, folder: RunFolder(path: out + "/" + c.name), resume: false)
            while !run.isFinished { try run.advance() }
            configs.append(c)
        }
        let snapshot = SessionSnapshot(dataName: data.name, outDirectory: out, runs: configs.map { RunSnapshot(config: $0) })
        let job = ExportJob()
        job.start(snapshot)
        job.start(snapshot)
        // Either the second press found the first still drawing, or the first had finished.
        let second = job.status.message ?? ""
        #expect(second.hasPrefix("an export is running") || second.hasPrefix("exported") || second == "exporting…", "\(second)")
        #expect(waitForExport(job, after: 2)?.hasPrefix("exported") == true)
    }
}

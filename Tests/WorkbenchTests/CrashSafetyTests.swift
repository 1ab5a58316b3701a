import Evaluation
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
import Trainer

/// SIGKILL at random moments, and at the moment a file is half-written: every file under
/// its real name is always a complete old or new version, and a resumed run ends exactly
/// where an uninterrupted one does.
@Suite(.serialized) struct CrashSafetyTests {
    let training = ["compare", "--methods", "byol,triplet", "--epochs", "3", "--data", "synthetic",
                    "--train-size", "1536", "--batch", "128", "--quiet"]

    func temporaryFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// Whether process `pid` is writing a file in `folder` right now (its own temporary
    /// exists; one left by an earlier killed process does not count).
    func isWriting(_ pid: pid_t, in folder: String) -> Bool {
        temporaryFiles(in: folder).contains { $0.hasSuffix(".tmp-\(pid)") }
    }

    func runFolders(_ out: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted().map { out + "/" + $0 }
    }

    /// Starts the binary, kills it with SIGKILL once `trigger` says so, and reports whether
    /// it was killed (false: it ended on its own first).
    func killed(_ arguments: [String], trigger: (pid_t) -> Bool) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WorkbenchBinary.path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120 * sanitizerSlowdown)
        while process.isRunning && !trigger(process.processIdentifier) && Date() < deadline { usleep(200) }
        guard process.isRunning else { return false }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    /// Every file of a run folder that exists under its real name reads back whole.
    func expectIntact(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let run = RunFolder(path: folder)
        guard FileManager.default.fileExists(atPath: run.recordPath) else { return }
        do {
            _ = try run.readRecord()
            let metrics = try run.readMetrics()
            if let checkpoint = try run.readCheckpoint() {
                // metrics.csv is written just before the checkpoint, so it may be one epoch ahead.
                #expect(metrics.count == checkpoint.epoch + 1 || metrics.count == checkpoint.epoch + 2,
                        "\(folder): \(metrics.count) metrics rows beside a checkpoint of epoch \(checkpoint.epoch)",
                        sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("\(folder): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func killedMidStepAndMidCheckpointItResumesToTheUninterruptedResult() throws {
        let out = makeTemporaryFolder("crash")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let straight = try WorkbenchBinary.run(training + ["--out", out + "/straight"])
        #expect(straight.status == 0, "\(straight.standardError)")

        var kills = 0, midWrite = 0
        for attempt in 0..<14 {
            // Even attempts: kill the moment a file is being written (its temporary exists);
            // odd attempts: at a random moment, which is mostly mid-step.
            var sawTemporary = false
            let randomMoment = Date().addingTimeInterval(Double.random(in: 0.05...1.5))
            let wasKilled = try killed(training + ["--out", out + "/killed", "--resume"]) { pid in
                if attempt % 2 == 1 { return Date() > randomMoment }
                sawTemporary = runFolders(out + "/killed").contains { isWriting(pid, in: $0) }
                return sawTemporary
            }
            if !wasKilled { break }
            kills += 1
            if sawTemporary { midWrite += 1 }
            for folder in runFolders(out + "/killed") { expectIntact(folder) }
        }
        #expect(kills >= 4, "only \(kills) kills before the run finished")
        #expect(midWrite >= 2, "only \(midWrite) kills landed while a file was being written")

        let finished = try WorkbenchBinary.run(training + ["--out", out + "/killed", "--resume"])
        #expect(finished.status == 0, "\(finished.standardError)")
        for name in ["byol", "triplet-skip1-dep9"] {
            let a = untimedMetrics(out + "/straight/\(name)/metrics.csv"), b = untimedMetrics(out + "/killed/\(name)/metrics.csv")
            #expect(a.count == 5 && a == b, "\(name) differs from the uninterrupted run after \(kills) kills")
            #expect(temporaryFiles(in: out + "/killed/\(name)").isEmpty, "leftover temporary files")
        }
    }

    @Test func exportKilledMidFileLeavesOnlyWholeFiles() throws {
        let out = makeTemporaryFolder("crash-export")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let trained = try WorkbenchBinary.run(training + ["--epochs", "1", "--out", out + "/runs"])
        #expect(trained.status == 0, "\(trained.standardError)")
        let export = ["export", out + "/runs/byol", out + "/runs/triplet-skip1-dep9", "--out", out + "/figures"]
        var kills = 0
        for _ in 0..<6 {
            let wasKilled = try killed(export) { pid in isWriting(pid, in: out + "/figures") }
            if wasKilled { kills += 1 }
            expectWholeExports(in: out + "/figures")
        }
        #expect(kills >= 3, "only \(kills) exports were killed mid-file")
        let complete = try WorkbenchBinary.run(export)
        #expect(complete.status == 0, "\(complete.standardError)")
        expectWholeExports(in: out + "/figures")
        #expect(temporaryFiles(in: out + "/figures").isEmpty, "a finished export left temporary files")
    }

    /// Each PNG decodes at full size, each SVG parses, each CSV has its header.
    func expectWholeExports(in folder: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
        for name in names {
            let data = FileManager.default.contents(atPath: folder + "/" + name) ?? Data()
            switch (name as NSString).pathExtension {
            case "png":
                let image = decodePNG(data)
                #expect(image?.width == 1600 && image?.height == 1000, "\(name) is not a whole PNG", sourceLocation: sourceLocation)
            case "svg":
                #expect(XMLParser(data: data).parse(), "\(name) is not whole XML", sourceLocation: sourceLocation)
            case "csv":
                let text = String(decoding: data, as: UTF8.self)
                #expect(text.hasPrefix("run,") && text.hasSuffix("\n"), "\(name) is cut", sourceLocation: sourceLocation)
            default:
                #expect(String(decoding: data, as: UTF8.self).hasSuffix("\n"), "\(name) is cut", sourceLocation: sourceLocation)
            }
        }
    }
}


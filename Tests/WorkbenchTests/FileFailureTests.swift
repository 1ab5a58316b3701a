import Foundation
import Testing
import TestSupport

/// Output that cannot be written (full disk, vanished or read-only folder) stops the runs
/// it affects with a clear line, keeps what was already written, and can be resumed.
@Suite struct FileFailureTests {
    let small = ["--data", "synthetic", "--train-size", "1536", "--batch", "128", "--quiet"]

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    func lines(_ path: String) -> Int { read(path).split(separator: "\n").count }
    func leftovers(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// Starts `workbench arguments`, runs `action` once `ready` holds, and waits for the end.
    func run(_ arguments: [String], launcher: [String] = [], when ready: () -> Bool, do action: () -> Void) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = launcher + [WorkbenchBinary.path] + arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120 * sanitizerSlowdown)
        while !ready() && process.isRunning && Date() < deadline { usleep(10_000) }
        action()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func fullDiskStopsTheRunKeepsEpochZeroAndResumes() throws {
        let out = makeTemporaryFolder("full")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let args = ["train", "--method", "byol", "--epochs", "1", "--out", out] + small
        // A 1 MiB file-size limit lets run.json and metrics.csv through but not the checkpoint.
        let limited = try WorkbenchBinary.run(args, launcher: ["sh", "-c", "ulimit -f 1024 && exec \"$0\" \"$@\""])
        #expect(limited.status == 1)
        #expect(limited.standardError.split(separator: "\n").count == 1, "\(limited.standardError)")
        #expect(limited.standardError.contains("checkpoint.bin: cannot write (File too large)"), "\(limited.standardError)")
        #expect(lines(out + "/byol/metrics.csv") == 2, "epoch 0 was lost")
        #expect(read(out + "/byol/run.json").contains("\"status\" : \"failed\""))
        #expect(!FileManager.default.fileExists(atPath: out + "/byol/checkpoint.bin"))
        #expect(leftovers(out + "/byol").isEmpty, "temporary files left: \(leftovers(out + "/byol"))")

        let resumed = try WorkbenchBinary.run(args + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(lines(out + "/byol/metrics.csv") == 3)
        #expect(read(out + "/byol/run.json").contains("\"status\" : \"done\""))
    }

    /// A second process on a folder being trained (here `train --resume` started twice) is
    /// refused with one line naming the folder and the holder; the first trains on undisturbed.
    @Test func aSecondProcessOnATrainingFolderIsRefused() throws {
        let out = makeTemporaryFolder("twice")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let args = ["train", "--method", "byol", "--epochs", "3", "--out", out, "--resume"] + small
        var second: CommandResult?
        let status = try run(args, when: { lines(out + "/byol/metrics.csv") >= 2 }) {
            second = try? WorkbenchBinary.run(args)
        }
        #expect(status == 0)
        let refused = try #require(second)
        #expect(refused.status != 0)
        #expect(refused.standardError.split(separator: "\n").count == 1, "\(refused.standardError)")
        #expect(refused.standardError.contains(out + "/byol: is being trained by another workbench process (pid "),
                "\(refused.standardError)")
        #expect(lines(out + "/byol/metrics.csv") == 5, "the first run lost epochs")
        #expect(read(out + "/byol/run.json").contains("\"status\" : \"done\""))
    }

    @Test func vanishedFolderStopsOnlyItsRun() throws {
        let out = makeTemporaryFolder("vanish")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let args = ["compare", "--methods", "simclr,byol", "--epochs", "2", "--out", out] + small
        let status = try run(args, when: { lines(out + "/byol/metrics.csv") >= 2 }) {
            try? FileManager.default.removeItem(atPath: out + "/simclr")
        }
        #expect(status == 1)
        #expect(lines(out + "/byol/metrics.csv") == 4, "the other run did not go on")
        #expect(read(out + "/byol/run.json").contains("\"status\" : \"done\""))
    }

    /// Root writes anywhere, so this part runs the program as `nobody` through setpriv.
    static let canDropPrivileges: Bool = {
        let probe = try? WorkbenchBinary.run(["--version"], launcher: dropPrivileges)
        return getuid() != 0 || probe?.status == 0
    }()
    static let dropPrivileges = getuid() == 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []

    @Test(.enabled(if: canDropPrivileges, "needs setpriv to run as nobody, or a non-root user"))
    func readOnlyFolderStopsOnlyItsRunAndKeepsItsFiles() throws {
        let out = makeTemporaryFolder("readonly")
        defer {
            chmod(out + "/simclr", 0o755)
            try? FileManager.default.removeItem(atPath: out)
        }
        chmod(out, 0o777)
        let args = ["compare", "--methods", "simclr,byol", "--epochs", "2", "--out", out] + small
        var before = ""
        let status = try run(args, launcher: Self.dropPrivileges, when: { lines(out + "/byol/metrics.csv") >= 2 }) {
            before = read(out + "/simclr/metrics.csv")
            chmod(out + "/simclr", 0o555)
        }
        #expect(status == 1)
        #expect(!before.isEmpty && read(out + "/simclr/metrics.csv") == before, "the read-only run's metrics changed")
        #expect(read(out + "/simclr/run.json").contains("\"status\" : \"running\""))
        #expect(lines(out + "/byol/metrics.csv") == 4, "the other run did not go on")

        // Writable again: --resume finishes the stopped run.
        chmod(out + "/simclr", 0o777)
        let resumed = try WorkbenchBinary.run(args + ["--resume"], launcher: Self.dropPrivileges)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(lines(out + "/simclr/metrics.csv") == 4)
    }

    @Test(.enabled(if: canDropPrivileges, "needs setpriv to run as nobody, or a non-root user"))
    func readOnlyOutputFolderIsRefusedWithOneLine() throws {
        let out = makeTemporaryFolder("readonly-out")
        defer { try? FileManager.default.removeItem(atPath: out) }
        chmod(out, 0o555)
        let result = try WorkbenchBinary.run(["train", "--method", "byol", "--epochs", "1", "--out", out + "/runs"] + small,
                                             launcher: Self.dropPrivileges)
        #expect(result.status == 1)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        #expect(result.standardError.contains(out + "/runs/byol: cannot create the run folder"), "\(result.standardError)")
    }
}

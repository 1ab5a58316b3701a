import Foundation
import Testing
import TestSupport
import Trainer

/// `workbench watch` in a real pseudo-terminal on a folder that separate headless processes
/// train: the curves grow while they train, a run whose process is killed shows as stalled,
/// a finished experiment as finished, the steering keys say they cannot steer, and q exits 0.
extension TUITmuxTests {
    /// A headless `compare` of `method` into `out`, started now.
    func headless(_ method: String, epochs: Int, out: String, resume: Bool = false) throws -> Process {
        try WorkbenchBinary.start(["compare", "--methods", method, "--data", "synthetic", "--train-size", "2048", "--batch", "64",
                                   "--epochs", "\(epochs)", "--out", out, "--quiet"] + (resume ? ["--resume"] : []))
    }

    /// The runs panel's line of `run`.
    func runLine(_ screen: String, _ run: String) -> String {
        screen.split(separator: "\n").first { $0.hasPrefix("│\(run) ") }.map(String.init) ?? ""
    }

    func brailleDots(_ screen: String) -> Int {
        screen.split(separator: "\n").prefix(24).reduce(0) { sum, line in
            sum + line.unicodeScalars.filter { $0.value > 0x2800 && $0.value <= 0x28FF }.count
        }
    }

    @Test func watchFollowsRunsTrainedByOtherProcesses() throws {
        let out = makeTemporaryFolder("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let experiment = out + "/experiment"
        let supervised = try headless("supervised", epochs: 4, out: experiment)
        var simclr = try headless("simclr", epochs: 8, out: experiment)
        defer { if simclr.isRunning { kill(simclr.processIdentifier, SIGKILL) } }
        #expect(waitUntil { FileManager.default.fileExists(atPath: experiment + "/simclr/run.json") })

        let tmux = Tmux()
        tmux.launch("watch '\(experiment)' --interval 0.2", after: "; echo \"EXIT=$?\" > '\(out)/exit-status'")
        #expect(tmux.wait(timeout: 30) { $0.contains("Runs · watching") && runLine($0, "simclr").contains("running") },
                "watch did not show the running runs:\n\(tmux.screen())")

        // The curves grow while the other processes train.
        #expect(tmux.wait(timeout: 60) { runLine($0, "simclr").contains(" 1/8 ") }, "no epoch of simclr showed:\n\(tmux.screen())")
        let early = brailleDots(tmux.screen())
        #expect(tmux.wait(timeout: 60) { runLine($0, "simclr").contains(" 2/8 ") && brailleDots($0) > early },
                "the curves did not grow:\n\(tmux.screen())")

        // A steering key says it cannot steer; nothing is paused.
        tmux.keys("Space")
        #expect(tmux.wait(timeout: 10) { $0.contains("watching: pausing a run is up to the process that trains the runs") },
                "Space did not explain itself:\n\(tmux.screen())")

        // kill -9: the run stays "running" in run.json, and the screen says stalled.
        kill(simclr.processIdentifier, SIGKILL)
        simclr.waitUntilExit()
        #expect(tmux.wait(timeout: 30) { runLine($0, "simclr").contains("stalled") }, "the killed run is not stalled:\n\(tmux.screen())")
        #expect(try RunFolder(path: experiment + "/simclr").readRecord().status == .running)

        // Resumed elsewhere and finished: both runs finished on screen.
        supervised.waitUntilExit()
        simclr = try headless("simclr", epochs: 8, out: experiment, resume: true)
        simclr.waitUntilExit()
        #expect(supervised.terminationStatus == 0 && simclr.terminationStatus == 0)
        #expect(tmux.wait(timeout: 30) { screen in
            let a = runLine(screen, "simclr"), b = runLine(screen, "supervised")
            return a.contains("finished") && a.contains(" 8/8 ") && b.contains("finished") && b.contains(" 4/4 ")
        }, "the finished experiment is not finished on screen:\n\(tmux.screen())")

        // Export works; nothing in the run folders changes while it is watched.
        let before = filesAndTimes(experiment)
        tmux.keys("e")
        #expect(tmux.wait(timeout: 60) { $0.contains("exported") }, "e did not export:\n\(tmux.screen())")
        #expect(exists(experiment + "/export/accuracy-knn.png"))
        tmux.keys("q")
        #expect(tmux.wait(timeout: 30) { _ in exists(out + "/exit-status") }, "watch did not exit")
        #expect(filesAndTimes(experiment) == before, "watching wrote into the runs")
        let status = (try? String(contentsOfFile: out + "/exit-status", encoding: .utf8)) ?? ""
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "EXIT=0")
        #expect(tmux.wait(timeout: 5) { $0.contains("stopped watching") && !$0.contains("Learning curves") }, "terminal not restored")
    }

    /// Every file under `folder` but its export, with its size and modification time.
    func filesAndTimes(_ folder: String) -> [String: String] {
        var files: [String: String] = [:]
        for path in FileManager.default.subpaths(atPath: folder) ?? [] where !path.hasPrefix("export") {
            let attributes = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + path)) ?? [:]
            files[path] = "\(attributes[.size] ?? "?") \(attributes[.modificationDate] ?? "?")"
        }
        return files
    }

    func waitUntil(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds * sanitizerSlowdown)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return false
    }
}

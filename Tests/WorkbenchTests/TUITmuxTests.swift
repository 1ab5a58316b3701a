import Foundation
import Testing
import TestSupport
import Trainer

/// The real binary in a real pseudo-terminal: tmux runs it, `send-keys` types, and
/// `capture-pane` reads the screen back.
@Suite(.serialized) struct TUITmuxTests {
    final class Tmux {
        let socket = "workbench-test-\(UUID().uuidString.prefix(8))"
        let session = "wb"

        @discardableResult
        func run(_ arguments: [String]) -> String {
            spawnAndWait(["tmux", "-L", socket] + arguments).output
        }

        func screen() -> String { run(["capture-pane", "-t", session, "-p"]) }
        func keys(_ keys: String...) { run(["send-keys", "-t", session] + keys) }

        /// Polls the screen until `condition` holds or `timeout` (stretched under sanitizers) passes.
        func wait(timeout: TimeInterval = 120, _ condition: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(timeout * sanitizerSlowdown)
            while Date() < deadline {
                if condition(screen()) { return true }
                usleep(200_000)
            }
            return false
        }

        /// Starts `workbench arguments` (UTF-8, 120×36) in the session; `after` runs once it exits.
        func launch(_ arguments: String, after: String = "") {
            let command = "LANG=C.UTF-8 LC_ALL=C.UTF-8 WORKBENCH_THREADS=${WORKBENCH_THREADS:-1} '\(WorkbenchBinary.path)' \(arguments)\(after); sleep 600"
            run(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", command])
        }

        deinit { run(["kill-server"]) }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test func keysDoWhatTheySayAndTheTerminalIsRestored() throws {
        let out = makeTemporaryFolder("tui")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let tmux = Tmux()
        tmux.launch("--data synthetic --methods simclr,triplet,supervised --epochs 30 --train-size 2048 --batch 128 --out '\(out)/session'",
                    after: "; echo \"EXIT=$?\" > '\(out)/exit-status'")

        // The curves panel gets points (braille dots) once the first epochs are evaluated.
        let hasCurves = tmux.wait { screen in
            screen.split(separator: "\n").prefix(20).contains { line in
                line.unicodeScalars.filter { $0.value > 0x2800 && $0.value <= 0x28FF }.count >= 3
            }
        }
        #expect(hasCurves, "no curve points appeared:\n\(tmux.screen())")

        tmux.keys("?")
        #expect(tmux.wait(timeout: 5) { $0.contains("Keys (any key closes)") }, "help did not open")
        tmux.keys("Escape")
        #expect(tmux.wait(timeout: 5) { !$0.contains("Keys (any key closes)") }, "help did not close")

        tmux.keys("+")
        #expect(tmux.wait(timeout: 5) { $0.contains("skip 2, deputies 9") }, "+ did not raise skip:\n\(tmux.screen())")
        tmux.keys("Enter")
        #expect(tmux.wait(timeout: 10) { $0.contains("triplet-skip2-dep9") }, "Enter did not queue a run")
        #expect(tmux.wait(timeout: 10) { _ in exists(out + "/session/triplet-skip2-dep9/run.json") })

        tmux.keys("Space")  // the selected run is the first one: simclr
        #expect(tmux.wait(timeout: 10) { $0.split(separator: "\n").contains { $0.contains("simclr") && $0.contains("paused") } },
                "Space did not pause simclr:\n\(tmux.screen())")

        tmux.keys("e")
        #expect(tmux.wait(timeout: 60) { $0.contains("exported") && $0.contains("export") }, "e did not export:\n\(tmux.screen())")
        #expect(exists(out + "/session/export/accuracy-knn.png") && exists(out + "/session/export/summary.md"))

        tmux.run(["resize-window", "-t", tmux.session, "-x", "80", "-y", "24"])
        #expect(tmux.wait(timeout: 30) { $0.contains("Enlarge the terminal to at least 100×30") }, "no small-terminal message:\n\(tmux.screen())")
        tmux.run(["resize-window", "-t", tmux.session, "-x", "140", "-y", "40"])
        #expect(tmux.wait(timeout: 5) { screen in
            screen.contains("Learning curves") && screen.split(separator: "\n").first.map { $0.count >= 139 } == true
        }, "panels were not laid out again after the resize")

        tmux.keys("q")
        #expect(tmux.wait(timeout: 60) { _ in exists(out + "/exit-status") }, "the workbench did not exit")
        let status = (try? String(contentsOfFile: out + "/exit-status", encoding: .utf8)) ?? ""
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "EXIT=0")
        // Restored terminal: the shell's screen is back, with the closing line and no panels.
        let final = tmux.screen()
        #expect(final.contains("runs are in") && !final.contains("Learning curves"), "terminal not restored:\n\(final)")
        // Every run folder is resumable: finished epochs on disk, status stopped or done.
        let record = (try? String(contentsOfFile: out + "/session/simclr/run.json", encoding: .utf8)) ?? ""
        #expect(record.contains("\"status\" : \"stopped\"") || record.contains("\"status\" : \"done\""))

        // `--resume DIR` reopens the session with its curves and its queued run.
        let resume = "LANG=C.UTF-8 LC_ALL=C.UTF-8 WORKBENCH_THREADS=${WORKBENCH_THREADS:-1} '\(WorkbenchBinary.path)' --resume '\(out)/session'; "
            + "echo \"EXIT=$?\" > '\(out)/exit-status-2'; sleep 600"
        tmux.run(["new-window", "-t", tmux.session, resume])
        #expect(tmux.wait(timeout: 30) { screen in
            screen.contains("triplet-skip2-dep9") && screen.split(separator: "\n").prefix(20).contains { line in
                line.unicodeScalars.filter { $0.value > 0x2800 && $0.value <= 0x28FF }.count >= 3
            }
        }, "the resumed session lacks its runs or curves:\n\(tmux.screen())")
        // Ctrl-C ends it like q: runs saved, terminal restored, status 0.
        tmux.keys("C-c")
        #expect(tmux.wait(timeout: 60) { _ in exists(out + "/exit-status-2") })
        let second = (try? String(contentsOfFile: out + "/exit-status-2", encoding: .utf8)) ?? ""
        #expect(second.trimmingCharacters(in: .whitespacesAndNewlines) == "EXIT=0")
        #expect(tmux.wait(timeout: 5) { $0.contains("runs are in") && !$0.contains("Learning curves") }, "not restored after Ctrl-C")
    }

    @Test func forkKeyForksTheSelectedTripletRunAndBothGoOn() throws {
        let out = makeTemporaryFolder("tui-fork")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let tmux = Tmux()
        tmux.launch("--data synthetic --methods triplet --epochs 5 --train-size 1024 --batch 128 --out '\(out)/session'")
        let parentCheckpoint = out + "/session/triplet-skip1-dep9/checkpoint.bin"
        #expect(tmux.wait(timeout: 60) { _ in
            (try? Checkpoint.decode(Data(contentsOf: URL(fileURLWithPath: parentCheckpoint)), path: "c"))?.epoch ?? 0 >= 1
        }, "the parent never finished an epoch")
        tmux.keys(">")
        #expect(tmux.wait(timeout: 5) { $0.contains("skip 11, deputies 9") })
        tmux.keys("f")
        #expect(tmux.wait(timeout: 20) { $0.contains("forked triplet-skip11-dep9-fork-e") }, "no fork:\n\(tmux.screen())")
        // Both runs train to the end: the parent and the fork show done.
        #expect(tmux.wait(timeout: 120) { screen in
            screen.split(separator: "\n").filter { $0.contains("triplet-skip") && $0.contains("done") }.count == 2
        }, "parent and fork did not both finish:\n\(tmux.screen())")
        let forks = (try? FileManager.default.contentsOfDirectory(atPath: out + "/session")) ?? []
        let fork = try #require(forks.first { $0.hasPrefix("triplet-skip11-dep9-fork-e") })
        let record = (try? String(contentsOfFile: out + "/session/\(fork)/run.json", encoding: .utf8)) ?? ""
        #expect(record.contains("\"parent\" : \"triplet-skip1-dep9\"") && record.contains("\"status\" : \"done\""))
        tmux.keys("q")
    }

    @Test func divergedRunIsMarkedOnTheScreen() throws {
        let out = makeTemporaryFolder("tui-diverge")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let tmux = Tmux()
        tmux.launch("--data synthetic --methods simclr --epochs 2 --lr 1e30 --train-size 1024 --batch 128 --out '\(out)/session'")
        #expect(tmux.wait(timeout: 60) { $0.contains("diverged") && $0.contains("loss became NaN") },
                "no diverged mark:\n\(tmux.screen())")
        #expect(tmux.wait(timeout: 10) { $0.contains("Learning curves") }, "the workbench did not stay open")
        tmux.keys("q")
    }

    @Test func withoutATerminalItPointsToTheHeadlessCommands() throws {
        let result = try WorkbenchBinary.run(["--data", "synthetic", "--epochs", "1"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("needs a terminal") && result.standardError.contains("workbench compare"))
    }
}

import Evaluation
import Foundation
import Testing
import TestSupport
import Trainer
import Vocabulary

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

        /// Starts `workbench arguments` (UTF-8, 120×36) in the session; `after` runs once it
        /// exits, `shell` before it (in the same shell).
        func launch(_ arguments: String, after: String = "", shell: String = "") {
            let command = "\(shell)LANG=C.UTF-8 LC_ALL=C.UTF-8 WORKBENCH_THREADS=${WORKBENCH_THREADS:-1} '\(WorkbenchBinary.path)' \(arguments)\(after); sleep 600"
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

    /// The pid of the workbench the session's shell started.
    func workbenchPid(_ tmux: Tmux) -> Int32? {
        let shell = tmux.run(["display-message", "-p", "-t", tmux.session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = spawnAndWait(["pgrep", "-P", shell]).output.split(separator: "\n")
        return children.first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Ctrl-\ twice, SIGHUP and SIGTERM each end the workbench as `q` would: runs marked
    /// stopped with the signal's name, the terminal given back in canonical mode with echo
    /// (read by `stty -a` in the same pane), and the documented status 128 + N.
    @Test func stopSignalsSaveTheRunsAndRestoreTheTerminal() throws {
        let cases: [(name: String, status: Int, send: (Tmux, Int32) -> Void)] = [
            ("SIGQUIT", 131, { tmux, _ in tmux.keys("C-\\"); tmux.keys("C-\\") }),
            ("SIGHUP", 129, { _, pid in kill(pid, SIGHUP) }),
            ("SIGTERM", 143, { _, pid in kill(pid, SIGTERM) }),
        ]
        for (name, status, send) in cases {
            let out = makeTemporaryFolder("tui-signal")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let tmux = Tmux()
            // The shell ignores SIGQUIT so that the second Ctrl-\ cannot end it before it reports.
            tmux.launch("--data synthetic --methods simclr,triplet --epochs 50 --train-size 2048 --batch 128 --out '\(out)/session'",
                        after: "; echo \"EXIT=$?\" > '\(out)/exit'; stty -a > '\(out)/stty'", shell: "trap '' QUIT; ")
            #expect(tmux.wait(timeout: 60) { _ in
                (try? RunFolder(path: out + "/session/simclr").readMetrics().count) ?? 0 >= 2
            }, "\(name): no epoch finished:\n\(tmux.screen())")
            let pid = try #require(workbenchPid(tmux), "\(name): no workbench process")
            send(tmux, pid)
            #expect(tmux.wait(timeout: 30) { _ in exists(out + "/stty") }, "\(name): the workbench did not exit:\n\(tmux.screen())")
            let exit = (try? String(contentsOfFile: out + "/exit", encoding: .utf8)) ?? ""
            #expect(exit.trimmingCharacters(in: .whitespacesAndNewlines) == "EXIT=\(status)", "\(name): \(exit)")
            let stty = (try? String(contentsOfFile: out + "/stty", encoding: .utf8)) ?? ""
            let flags = Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
            #expect(flags.contains("icanon") && flags.contains("echo") && !flags.contains("-icanon") && !flags.contains("-echo"),
                    "\(name): terminal left raw: \(stty)")
            #expect(!tmux.screen().contains("Crash") && !tmux.screen().contains("backtrace"), "\(name): a crash report was drawn")
            for run in ["simclr", "triplet-skip1-dep9"] {
                let folder = RunFolder(path: out + "/session/" + run)
                let record = try folder.readRecord()
                #expect(record.status == .stopped && record.message?.contains("stopped by \(name)") == true, "\(name): \(record.status)")
                // Resumable: the run reopens at its checkpoint, one epoch after its last saved row.
                let data = SyntheticShapes.dataset().limitingTrain(to: record.config.trainLimit)
                let resumed = try TrainingRun(config: record.config, data: data, folder: folder, resume: true)
                #expect(resumed.nextEpoch == (try folder.readMetrics().count) && !resumed.isFinished, "\(name): \(run) is not resumable")
            }
        }
    }

    /// Ctrl-S (flow control) must not freeze the screen: keys still work after it.
    @Test func colourRunsShowTheirImageShapeAndCurves() throws {
        let out = makeTemporaryFolder("tui-colour")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let tmux = Tmux()
        tmux.launch("--data colour-100 --methods simclr,byol,moco,triplet,supervised --epochs 2 --train-size 1024 --batch 128 --out '\(out)/session'",
                    after: "; echo \"EXIT=$?\" > '\(out)/exit-status'")
        #expect(tmux.wait { $0.contains("colour-100 32×32×3") }, "no image shape in the status line:\n\(tmux.screen())")
        let finished = tmux.wait(timeout: 300) { _ in
            ["simclr", "byol", "moco", "triplet-skip1-dep9", "supervised"].allSatisfy {
                (try? String(contentsOfFile: "\(out)/session/\($0)/metrics.csv", encoding: .utf8))?.split(separator: "\n").count == 4
            }
        }
        #expect(finished, "colour runs did not finish:\n\(tmux.screen())")
        tmux.keys("q")
        #expect(tmux.wait(timeout: 30) { _ in exists("\(out)/exit-status") })
        #expect((try? String(contentsOfFile: "\(out)/exit-status", encoding: .utf8)) == "EXIT=0\n")
    }

    @Test func ctrlSDoesNotFreezeTheScreen() throws {
        let out = makeTemporaryFolder("tui-ctrl-s")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let tmux = Tmux()
        tmux.launch("--data synthetic --methods simclr --epochs 50 --train-size 1024 --batch 128 --out '\(out)/session'",
                    after: "; echo \"EXIT=$?\" > '\(out)/exit'")
        #expect(tmux.wait(timeout: 60) { $0.contains("Learning curves") })
        tmux.keys("C-s")
        tmux.keys("?")
        #expect(tmux.wait(timeout: 10) { $0.contains("Keys (any key closes)") }, "the screen froze after Ctrl-S:\n\(tmux.screen())")
        tmux.keys("Escape")
        tmux.keys("q")
        #expect(tmux.wait(timeout: 30) { _ in exists(out + "/exit") }, "q did not quit after Ctrl-S")
    }

    /// A storm of every documented key queues no more than the session's cap, and q still
    /// quits within seconds (the commands behind it are dropped).
    @Test func aKeyStormIsCappedAndQuitStillQuits() throws {
        let out = makeTemporaryFolder("tui-storm")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let tmux = Tmux()
        tmux.launch("--data synthetic --methods triplet --epochs 50 --train-size 512 --batch 64 --out '\(out)/session'",
                    after: "; echo \"EXIT=$?\" > '\(out)/exit'")
        #expect(tmux.wait(timeout: 60) { _ in (try? RunFolder(path: out + "/session/triplet-skip1-dep9").readMetrics().count) ?? 0 >= 2 })
        let storm = ["s", "Enter", "r", "f", "+", ">", "]", "[", "<", "-", "j", "k", "Tab", "BTab", "Down", "Up", "m", "Space", "x", "e"]
        for _ in 0..<20 { tmux.run(["send-keys", "-t", tmux.session] + storm + storm + ["s", "s", "s", "Enter", "r", "r"]) }
        func folders() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: out + "/session")) ?? []).filter { $0 != "export" }
        }
        // The storm lands between steps: an epoch's evaluation (a converged probe) can hold it
        // back, so q comes once the storm has queued runs, and then the rest is behind it.
        #expect(tmux.wait(timeout: 60) { _ in folders().count > 3 }, "the storm queued no runs:\n\(tmux.screen())")
        for _ in 0..<5 { tmux.run(["send-keys", "-t", tmux.session] + storm + storm + ["s", "s", "s", "Enter", "r", "r"]) }
        let quitAt = Date()
        tmux.keys("q")
        #expect(tmux.wait(timeout: 60) { _ in exists(out + "/exit") }, "q did not quit:\n\(tmux.screen())")
        let seconds = Date().timeIntervalSince(quitAt)
        // The storm really queued runs, and no more than the cap.
        let count = folders().count
        #expect(count > 3 && count <= TrainingSession.maximumRuns, "\(count) runs")
        #expect(seconds < 30 * sanitizerSlowdown, "quitting took \(seconds) s")
        let exit = (try? String(contentsOfFile: out + "/exit", encoding: .utf8)) ?? ""
        #expect(exit.contains("EXIT=0"))
    }

    /// An unknown or missing TERM is one line, and no run folder is left marked running.
    @Test func anUnknownTerminalTypeIsOneLineAndLeavesNoRunningRun() throws {
        for term in ["", "no-such-terminal"] {
            let out = makeTemporaryFolder("tui-term")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let tmux = Tmux()
            let setting = term.isEmpty ? "unset TERM; " : "export TERM=\(term); "
            tmux.launch("--data synthetic --methods simclr --epochs 5 --train-size 512 --batch 64 --out '\(out)/session' 2> '\(out)/stderr'",
                        after: "; echo \"EXIT=$?\" > '\(out)/exit'", shell: setting)
            #expect(tmux.wait(timeout: 30) { _ in exists(out + "/exit") }, "TERM=\(term): it did not exit")
            let stderr = (try? String(contentsOfFile: out + "/stderr", encoding: .utf8)) ?? ""
            #expect(stderr.split(separator: "\n").count == 1 && stderr.contains("TERM"), "TERM=\(term): \(stderr)")
            #expect(!stderr.contains("Error opening terminal"))
            let exit = (try? String(contentsOfFile: out + "/exit", encoding: .utf8)) ?? ""
            #expect(exit.contains("EXIT=1"))
            #expect(!RunFolder(path: out + "/session/simclr").exists, "a run folder was made before the terminal was known")
        }
    }

    /// A reopened run whose metrics.csv holds `nan` accuracies draws them as missing instead
    /// of trapping (issue 26: the ablation panel turned NaN into a bar width).
    @Test func aReopenedRunWithNaNAccuraciesDrawsAndQuits() throws {
        let out = makeTemporaryFolder("tui-reopen")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let trained = try WorkbenchBinary.run(["compare", "--methods", "simclr,triplet", "--data", "synthetic", "--train-size", "512",
                                               "--batch", "64", "--epochs", "2", "--quiet", "--out", out + "/session"])
        #expect(trained.status == 0, "\(trained.standardError)")
        for run in ["simclr", "triplet-skip1-dep9"] {
            let path = out + "/session/\(run)/metrics.csv"
            var table = CSV.parse(try String(contentsOfFile: path, encoding: .utf8))
            let header = try #require(table.first)
            for column in ["knn_top1", "linear_top1", "class_divergence", "pr_omega_measured"] {
                if let index = header.firstIndex(of: column), table.count > 1 { table[table.count - 1][index] = "nan" }
            }
            writeFile(atPath: path, contents: Data((table.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").utf8))
        }
        let tmux = Tmux()
        tmux.launch("--resume '\(out)/session'", after: "; echo \"EXIT=$?\" > '\(out)/exit'")
        #expect(tmux.wait(timeout: 30) { $0.contains("Ablation") && $0.contains("triplet-skip1-dep9") }, "no screen:\n\(tmux.screen())")
        let screen = tmux.screen()
        #expect(!screen.contains("nan") && !screen.contains("Fatal error"), "\(screen)")
        tmux.keys("q")
        #expect(tmux.wait(timeout: 30) { _ in exists(out + "/exit") }, "the workbench did not exit:\n\(tmux.screen())")
        let exit = (try? String(contentsOfFile: out + "/exit", encoding: .utf8)) ?? ""
        #expect(exit.contains("EXIT=0"), "\(exit)")
    }

    @Test func withoutATerminalItPointsToTheHeadlessCommands() throws {
        let result = try WorkbenchBinary.run(["--data", "synthetic", "--epochs", "1"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("needs a terminal") && result.standardError.contains("workbench compare"))
    }
}

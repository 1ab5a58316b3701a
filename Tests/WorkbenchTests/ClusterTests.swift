import Foundation
import Testing
import TestSupport
import Trainer

/// One experiment, many processes: two `--share` processes on one folder, and a Slurm job
/// array on the one-node cluster that scripts/slurm-local.sh starts (a task requeued, one
/// sent SIGTERM, the script resubmitted by hand). Every run must end as the same run
/// trained by one local `compare` does.
@Suite(.serialized) struct ClusterTests {
    /// Four runs, a few seconds each.
    let experiment = ["--methods", "simclr,byol,triplet,supervised", "--data", "synthetic", "--train-size", "2048",
                      "--epochs", "5", "--batch", "64", "--quiet"]
    let runNames = ["simclr", "byol", "triplet-skip1-dep9", "supervised"]
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func record(_ folder: String) throws -> RunRecord { try RunFolder(path: folder).readRecord() }

    func temporaryFiles(under folder: String) -> [String] {
        (FileManager.default.subpaths(atPath: folder) ?? []).filter { $0.contains(".tmp-") }
    }

    /// Every run of `out` holds the metrics of the same run in `reference`, finished.
    func expectSameRuns(_ out: String, as reference: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for name in runNames {
            let a = untimedMetrics(reference + "/" + name + "/metrics.csv"), b = untimedMetrics(out + "/" + name + "/metrics.csv")
            #expect(a.count == 7 && a == b, "\(out)/\(name) differs from the run trained in one process", sourceLocation: sourceLocation)
            #expect(try record(out + "/" + name).status == .done, sourceLocation: sourceLocation)
        }
        #expect(temporaryFiles(under: out).isEmpty, "half-written files left: \(temporaryFiles(under: out))", sourceLocation: sourceLocation)
    }

    @Test func submitDryRunPrintsTheBatchScriptAndWritesNothing() throws {
        let out = makeTemporaryFolder("submit-dry") + "/exp"
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        let result = try WorkbenchBinary.run(["submit"] + experiment + [
            "--out", out, "--cpus-per-task", "3", "--time", "2:00:00", "--partition", "short", "--max-running", "2",
            "--sbatch=--qos=low", "--dry-run"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        for line in ["#SBATCH --array=0-3%2", "#SBATCH --cpus-per-task=3", "#SBATCH --time=2:00:00", "#SBATCH --partition=short",
                     "#SBATCH --qos=low", "#SBATCH --requeue", "#SBATCH --output=\(out)/slurm-logs/%A_%a.out"] {
            #expect(lines.contains(line), "no line \(line) in\n\(result.standardOutput)")
        }
        #expect(lines.last == "exec \(WorkbenchBinary.path) task \(out) --index \"$SLURM_ARRAY_TASK_ID\"")
        #expect(!FileManager.default.fileExists(atPath: out), "a dry run wrote \(out)")

        let bad = try WorkbenchBinary.run(["submit"] + experiment + ["--out", out, "--time", "soon\nrm", "--dry-run"])
        #expect(bad.status == 64 && bad.standardError.contains("--time"), "\(bad.standardError)")
        let size = try WorkbenchBinary.run(["submit"] + experiment + ["--out", out, "--mem", "lots", "--dry-run"])
        #expect(size.status == 64 && size.standardError.contains("--mem: 'lots' is not a size"), "\(size.standardError)")
        // No Slurm on this machine: one line that says so, and the script is there to submit by hand.
        let noSlurm = try WorkbenchBinary.run(["submit"] + experiment + ["--out", out], environment: ["PATH": "/nonexistent"])
        #expect(noSlurm.status == 1 && noSlurm.standardError.contains("sbatch: not found"), "\(noSlurm.standardError)")
        #expect(noSlurm.standardError.split(separator: "\n").count == 1)
        #expect(FileManager.default.isExecutableFile(atPath: out + "/submit.sh"))
    }

    @Test func aTaskWhoseRunIsFinishedEndsAtOnce() throws {
        let out = makeTemporaryFolder("task-done")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let config = ExperimentRuns(description: "one run", runs: [{
            var c = RunConfig(method: .byol)
            c.data = "synthetic"; c.epochs = 1; c.batch = 64; c.trainLimit = 256
            return c
        }()])
        try config.write(in: out)
        let first = try WorkbenchBinary.run(["task", out, "--index", "0", "--quiet"])
        #expect(first.status == 0, "\(first.standardError)")
        let again = try WorkbenchBinary.run(["task", out, "--index", "0"], environment: ["WORKBENCH_DATA_DIR": "/nonexistent"])
        #expect(again.status == 0 && again.standardOutput.contains("already finished"), "\(again.standardOutput)\(again.standardError)")
        let outside = try WorkbenchBinary.run(["task", out, "--index", "1"])
        #expect(outside.status == 64 && outside.standardError.contains("--index 1"), "\(outside.standardError)")
    }

    /// A task whose run another process holds waits for it, then trains it (the holder here
    /// is this test, which gives the lock up without training).
    @Test func aTaskWaitsForTheProcessThatHoldsItsRun() throws {
        let out = makeTemporaryFolder("task-wait")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var c = RunConfig(method: .byol)
        c.data = "synthetic"; c.epochs = 1; c.batch = 64; c.trainLimit = 256
        try ExperimentRuns(description: "one run", runs: [c]).write(in: out)
        var holder: RunFolderLock? = try RunFolderLock.acquire(folder: out + "/byol")
        let task = try WorkbenchBinary.start(["task", out, "--index", "0"])
        usleep(1_500_000)
        #expect(task.isRunning, "the task did not wait for the held run")
        #expect(!FileManager.default.fileExists(atPath: out + "/byol/run.json"), "the task trained a run another process holds")
        #expect(holder != nil)
        holder = nil
        task.waitUntilExit()
        #expect(task.terminationStatus == 0)
        #expect(try record(out + "/byol").status == .done)
    }

    /// Two processes started together on one experiment and folder: each run is trained by
    /// exactly one of them, once, and ends as it does when one process trains them all; the
    /// pixel references are one entry of the folder's pixel-references.json.
    @Test func twoProcessesSharingAnExperimentTrainEveryRunOnce() throws {
        let out = makeTemporaryFolder("share")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let alone = try WorkbenchBinary.run(["compare"] + experiment + ["--out", out + "/alone"])
        #expect(alone.status == 0, "\(alone.standardError)")

        let processes = try (0..<2).map { _ in
            try WorkbenchBinary.start(["compare"] + experiment + ["--out", out + "/shared", "--share"])
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        try expectSameRuns(out + "/shared", as: out + "/alone")
        let pids = Set(processes.map(\.processIdentifier))
        for name in runNames {
            let segments = try record(out + "/shared/" + name).trainedBy ?? []
            #expect(segments.count == 1, "\(name) was trained by \(segments.count) processes")
            #expect(segments.allSatisfy { $0.place.map { pids.contains($0.pid) } ?? false })
        }
        let shared = try #require(FileManager.default.contents(atPath: out + "/shared/" + PixelBaselines.fileName))
        let entries = try JSONDecoder().decode([String: ReferenceLines.Accuracies].self, from: shared)
        #expect(entries.count == 1)
        let references = try JSONDecoder().decode(ReferenceLines.self, from: #require(
            FileManager.default.contents(atPath: out + "/shared/simclr/references.json")))
        #expect(references.pixels == entries.values.first)
    }

    /// The Slurm cluster of scripts/slurm-local.sh, stopped again at the end.
    struct LocalSlurm {
        static let folder = "/tmp/workbench-slurm"
        var environment: [String: String] { ["SLURM_CONF": Self.folder + "/slurm.conf"] }

        static func start() throws -> LocalSlurm {
            let started = spawnAndWait(["/bin/sh", "-c", "'\(packageRoot)/scripts/slurm-local.sh' start \(folder) 2>&1"])
            guard started.status == 0 else { throw RunError("slurm-local.sh start failed: \(started.output)") }
            return LocalSlurm()
        }

        func stop() { _ = spawnAndWait(["\(ClusterTests.packageRoot)/scripts/slurm-local.sh", "stop", Self.folder]) }

        /// A Slurm command's output (its errors too).
        @discardableResult
        func run(_ command: String) -> (status: Int32, output: String) {
            spawnAndWait(["/bin/sh", "-c", "export SLURM_CONF=\(Self.folder)/slurm.conf; \(command) 2>&1"])
        }

        /// Lets a requeued task start again now rather than after the two minutes Slurm holds
        /// it: once it is pending again (it is completing first).
        func startNow(_ task: String) -> Bool {
            let deadline = Date().addingTimeInterval(60 * sanitizerSlowdown)
            while Date() < deadline {
                if run("squeue -h -j \(task) -o %T").output.hasPrefix("PENDING"),
                   run("scontrol update JobId=\(task) StartTime=now").status == 0 { return true }
                usleep(100_000)
            }
            return false
        }

        /// Waits until job `job` has no task pending or running.
        func waitForJob(_ job: String, seconds: Double = 240) -> Bool {
            let deadline = Date().addingTimeInterval(seconds * sanitizerSlowdown)
            while Date() < deadline {
                let queue = run("squeue -h -j \(job) -o %i")
                if queue.status == 0 && queue.output.isEmpty { return true }
                usleep(200_000)
            }
            return false
        }
    }

    /// Waits until the run in `folder` has finished `epoch` (its metrics.csv has that row).
    func waitForEpoch(_ epoch: Int, of folder: String, seconds: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(seconds * sanitizerSlowdown)
        while Date() < deadline {
            if untimedMetrics(folder + "/metrics.csv").count >= epoch + 2 { return true }
            usleep(20_000)
        }
        return false
    }

    @Test(.enabled(if: getuid() == 0, "slurmd starts jobs as their user: the local cluster needs root"))
    func anArrayOnTheLocalClusterEndsAsTheRunsTrainedInOneProcess() throws {
        let out = makeTemporaryFolder("slurm")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let alone = try WorkbenchBinary.run(["compare"] + experiment + ["--out", out + "/alone"])
        #expect(alone.status == 0, "\(alone.standardError)")

        let slurm = try LocalSlurm.start()
        defer { slurm.stop() }
        let array = out + "/array"
        let submitted = try WorkbenchBinary.run(["submit"] + experiment + ["--out", array, "--cpus-per-task", "1"],
                                                environment: slurm.environment)
        #expect(submitted.status == 0, "\(submitted.standardError)")
        let job = try #require(submitted.standardOutput.split(separator: " ").dropFirst(2).first.map { String($0.dropLast()) },
                               "no job id in \(submitted.standardOutput)")

        // Task 0 requeued after its first epoch, task 1 sent SIGTERM as a preempted task is
        // after its first; then task 0 let start again at once (Slurm holds a requeued job two
        // minutes), last, since waiting for it to be pending again takes seconds.
        #expect(waitForEpoch(1, of: array + "/simclr"), "task 0 did not train")
        let requeued = slurm.run("scontrol requeue \(job)_0")
        #expect(requeued.status == 0, "\(requeued.output)")
        #expect(waitForEpoch(1, of: array + "/byol"), "task 1 did not train")
        // scancel's own status is not what counts (it has ended non-zero, silently, while
        // another task of the array was being requeued): the task's run and log say below.
        let signalled = slurm.run("scancel --batch --signal=TERM \(job)_1")
        #expect(slurm.startNow("\(job)_0"), "the requeued task 0 did not become pending")
        #expect(slurm.waitForJob(job), "job \(job) did not end")

        let stopped = try record(array + "/byol")
        #expect(stopped.status == .stopped && stopped.epochsCompleted < 5,
                "\(stopped.status) after \(stopped.epochsCompleted) epochs (scancel: status \(signalled.status), \(signalled.output))")
        let log = (try? String(contentsOfFile: array + "/slurm-logs/\(job)_1.out", encoding: .utf8)) ?? ""
        #expect(log.contains("stopped by SIGTERM"), "task 1's log: \(log)")
        #expect(temporaryFiles(under: array).isEmpty)

        // Resubmitted by hand, from elsewhere: finished runs end at once, the stopped one resumes.
        let again = slurm.run("cd / && sbatch --parsable '\(array)/submit.sh'")
        #expect(again.status == 0, "\(again.output)")
        let lastLine = again.output.split(separator: "\n").last.map(String.init) ?? ""
        let secondJob = try #require(Int(lastLine), "sbatch printed no job id: \(again.output)")
        let second = String(secondJob)
        #expect(slurm.waitForJob(second), "job \(second) did not end")
        try expectSameRuns(array, as: out + "/alone")

        let places = try runNames.map { (try record(array + "/" + $0).trainedBy ?? []).compactMap(\.place?.slurmJob) }
        #expect(places[0] == ["\(job)_0", "\(job)_0"], "simclr trained by \(places[0])")
        #expect(places[1] == ["\(job)_1", "\(second)_1"], "byol trained by \(places[1])")
        #expect(places[2] == ["\(job)_2"] && places[3] == ["\(job)_3"])
        for task in [0, 2, 3] {
            let log = (try? String(contentsOfFile: array + "/slurm-logs/\(second)_\(task).out", encoding: .utf8)) ?? ""
            #expect(log.contains("already finished"), "task \(task) of the resubmission: \(log)")
        }
        #expect(try (record(array + "/simclr").trainedBy ?? []).allSatisfy { $0.threads == 1 })
    }
}

import Foundation

/// The batch script that trains an experiment on a Slurm cluster: one job array with one
/// task per run, each task `exec`ing the workbench on its run so that Slurm's signals
/// (preemption, time limit, `scancel`) reach the trainer itself. Kept in the output folder
/// as `submit.sh`, so the experiment can be submitted again by hand (`sbatch submit.sh`):
/// finished runs then end at once and the others resume from their checkpoints.
public struct SlurmJobScript: Sendable, Equatable {
    public var jobName: String
    public var taskCount: Int
    public var cpusPerTask: Int
    /// Memory per task in MiB (`--mem`); nil leaves the cluster's default.
    public var memoryMiB: Int?
    /// `--time`, as Slurm writes it ("2:00:00", "1-00:00:00"); nil: the partition's limit.
    public var timeLimit: String?
    public var partition: String?
    public var account: String?
    /// At most this many tasks at once (`--array=0-N%K`).
    public var maxRunning: Int?
    /// Further sbatch options, one `#SBATCH` line each ("--qos=low", "--constraint=avx2").
    public var extraOptions: [String] = []
    /// The folder the tasks start in (relative data paths are relative to it).
    public var workingDirectory: String
    /// Where each task's output goes, as `<folder>/<job>_<task>.out`.
    public var logFolder: String
    /// The command each task runs; `SlurmJobScript.taskIndex` stands for its array index.
    public var command: [String]

    /// The placeholder of `command` that becomes the task's index.
    public static let taskIndex = "{task}"

    public init(jobName: String, taskCount: Int, cpusPerTask: Int, workingDirectory: String, logFolder: String, command: [String]) {
        self.jobName = jobName
        self.taskCount = taskCount
        self.cpusPerTask = cpusPerTask
        self.workingDirectory = workingDirectory
        self.logFolder = logFolder
        self.command = command
    }

    /// The first reason the script cannot be written, in the words of the option at fault.
    public var problem: String? {
        if taskCount < 1 { return "no runs to submit" }
        if cpusPerTask < 1 { return "--cpus-per-task must be at least 1, got \(cpusPerTask)" }
        if let memoryMiB, memoryMiB < 1 { return "--mem must be positive" }
        if let maxRunning, maxRunning < 1 { return "--max-running must be at least 1, got \(maxRunning)" }
        let lines = [("--job-name", jobName), ("--time", timeLimit ?? ""), ("--partition", partition ?? ""),
                     ("--account", account ?? "")] + extraOptions.map { ("--sbatch", $0) }
        // sbatch splits #SBATCH lines at blanks, reads quotes and backslashes, ends a line at
        // #, and expands % in file names: values with those would be read as something else.
        let unreadable = Set(" \t#'\"\\")
        if let (flag, value) = lines.first(where: { $0.1.contains(where: { $0.isNewline || unreadable.contains($0) }) }) {
            return "\(flag): '\(value.prefix(40))' holds a blank, a line break, #, a quote or a backslash, which an #SBATCH line cannot carry"
        }
        let paths = [("the current folder (the tasks' --chdir)", workingDirectory), ("--out", logFolder)]
        if let (what, path) = paths.first(where: { $0.1.contains(where: { $0.isNewline || $0 == "%" || unreadable.contains($0) }) }) {
            return "\(what): '\(path.prefix(60))' holds a blank, #, %, a quote or a backslash, which an #SBATCH line cannot carry; choose a plainer path"
        }
        if let bad = extraOptions.first(where: { !$0.hasPrefix("-") }) {
            return "--sbatch '\(bad)': an sbatch option starts with - (for example --sbatch=--qos=low)"
        }
        return nil
    }

    /// The script's text.
    public var text: String {
        var lines = ["#!/bin/bash",
                     "# Written by workbench \(WorkbenchVersion.current): one Slurm array task per run of the experiment",
                     "# in this folder (experiment-runs.json). Submit it again with sbatch, from any folder:",
                     "# finished runs end at once, the others resume from their last complete epoch."]
        var options = ["--job-name=\(jobName)",
                       "--array=0-\(taskCount - 1)" + (maxRunning.map { "%\($0)" } ?? ""),
                       "--ntasks=1",
                       "--cpus-per-task=\(cpusPerTask)"]
        if let memoryMiB { options.append("--mem=\(memoryMiB)M") }
        if let timeLimit { options.append("--time=\(timeLimit)") }
        if let partition { options.append("--partition=\(partition)") }
        if let account { options.append("--account=\(account)") }
        options += ["--chdir=\(workingDirectory)",
                    "--output=\(logFolder)/%A_%a.out",
                    "--open-mode=append",
                    // A preempted task goes back in the queue; SIGTERM two minutes before the
                    // time limit lets the run save before the kill.
                    "--requeue",
                    "--signal=B:TERM@120"]
        options += extraOptions
        lines += options.map { "#SBATCH \($0)" }
        lines.append("")
        let words = command.map { $0 == Self.taskIndex ? "\"$SLURM_ARRAY_TASK_ID\"" : Self.shellQuoted($0) }
        lines.append("exec " + words.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `word` as one shell word: bare when it is plain, else in single quotes.
    public static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

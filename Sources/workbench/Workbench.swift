import ArgumentParser
import Foundation
import TensorCore
import Trainer

/// The `workbench` command: the terminal workbench, and headless subcommands for scripts.
@main
struct Workbench: ParsableCommand {
    static let version = WorkbenchVersion.current

    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Train small self-supervised image models on the CPU and see why one loss learns faster.",
        version: version,
        subcommands: [OpenCommand.self, TrainCommand.self, CompareCommand.self, SweepCommand.self,
                      WatchCommand.self, SubmitCommand.self, TaskCommand.self,
                      ExportCommand.self, DataCommand.self, BenchStep.self, BenchKNN.self, BenchEval.self],
        defaultSubcommand: OpenCommand.self
    )

    /// Parses and runs, turning every failure into one line on stderr and a non-zero
    /// exit; `--help` and `--version` print in full and exit 0.
    static func main() {
        ThreadPolicy.apply()
        // A file-size limit (`ulimit -f`) then fails the write with EFBIG, reported like a
        // full disk, instead of killing the process mid-file.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            fail(failure.description, status: failure.status)
        } catch let code as ExitCode {
            exit(withError: code)
        } catch {
            let status = exitCode(for: error)
            if status == .success { exit(withError: error) }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message, status: status.rawValue)
        }
    }

    /// Something the user should know that does not stop the command: one line on stderr.
    static func warn(_ message: String) {
        StandardError.write("workbench: warning: \(message)\n")
    }

    static func fail(_ message: String, status: Int32 = 1) -> Never {
        StandardError.write("workbench: error: \(message)\n")
        Foundation.exit(status)
    }
}

/// Options shared by every subcommand that loads a data set.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "fmnist, fmnist-20k, synthetic, colour-N (generated, N classes), cifar10, cifar100, cifar100-coarse, stl10, stl10-unlabeled, stl10+unlabeled (from $WORKBENCH_DATA_DIR, default ~/datasets), or a folder (IDX files, or one PNG/JPEG sub-folder per class). Default: fmnist-20k when installed, else synthetic.")
    var data: String?

    @Option(name: .long, help: "Image folders: resize every image to N×N (default 28).")
    var side: Int?

    @Flag(name: .long, help: "Image folders: make every image grey (one channel), even colour ones.")
    var grey = false

    var dataName: String { DataCatalog.spec(data ?? DataCatalog.defaultName, side: side, channels: grey ? 1 : nil) }

    /// Loads the data set or ends the program with a one-line error.
    func load() throws -> Dataset {
        return try failing { try DataCatalog.load(dataName) }
    }
}

/// A run folder reopened at its latest checkpoint on its own data set (for the benchmarks that
/// measure a trained network), or a one-line error naming the folder.
func openTrainedRun(_ path: String) throws -> (run: TrainingRun, data: Dataset) {
    let folder = RunFolder(path: path)
    let config = try folder.readRecord().config
    let data: Dataset
    do { data = try config.loadData() } catch {
        throw CommandFailure("\(path): its data set \(config.data): \(error)")
    }
    return (try TrainingRun(config: config, data: data, folder: folder, resume: true), data)
}

/// A failure to report as one line on stderr. Exit statuses (README, "Exit status"): 64 when
/// the command line is wrong (a flag, its value, values that cannot train together), 1 when
/// the input it names (data, files, folders, environment) is unusable or the work failed.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    let status: Int32
    init(_ message: String, status: Int32 = 1) {
        description = message
        self.status = status
    }

    /// A wrong command line: exit status 64, as ArgumentParser gives its own refusals.
    static func usage(_ message: String) -> CommandFailure { CommandFailure(message, status: 64) }
}

/// Runs `work`, turning any error it throws into a one-line failure of the command (exit
/// status 1) that says what the error says; a `CommandFailure` passes through as it is.
func failing<T>(_ work: () throws -> T) throws -> T {
    do { return try work() } catch let failure as CommandFailure { throw failure } catch { throw CommandFailure("\(error)") }
}

/// Sets the BLAS and the layer kernels to use every core the machine has, as many as Slurm
/// gave the task (SLURM_CPUS_PER_TASK), or as many threads as WORKBENCH_THREADS says: where
/// other busy processes share the cores (two trainings at once, the test suite), one thread
/// each wastes far less time waiting on the other.
func configureThreads() throws {
    let environment = ProcessInfo.processInfo.environment
    var threads = ProcessInfo.processInfo.activeProcessorCount
    if let text = environment["SLURM_CPUS_PER_TASK"], let count = Int(text), (1...1024).contains(count) { threads = count }
    if let text = environment["WORKBENCH_THREADS"] {
        guard let count = Int(text), (1...1024).contains(count) else {
            throw CommandFailure("WORKBENCH_THREADS must be a whole number from 1 to 1024, not \"\(text)\"")
        }
        threads = count
    }
    BLAS.setThreadCount(threads)
}

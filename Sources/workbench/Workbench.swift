import ArgumentParser
import Foundation
import TensorCore
import Trainer

/// The `workbench` command: the terminal workbench, and headless subcommands for scripts.
@main
struct Workbench: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Train small self-supervised image models on the CPU and see why one loss learns faster.",
        version: version,
        subcommands: [Overview.self, DataCommand.self, BenchStep.self],
        defaultSubcommand: Overview.self
    )
}

/// Options shared by every subcommand that loads a data set.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "fmnist, fmnist-20k, synthetic, or a folder (IDX files, or one PNG sub-folder per class). Default: fmnist-20k when installed, else synthetic.")
    var data: String?

    var dataName: String { data ?? DataCatalog.defaultName }

    /// Loads the data set or ends the program with a one-line error.
    func load() throws -> Dataset {
        do { return try DataCatalog.load(dataName) } catch { throw CommandFailure(error.description) }
    }
}

/// A failure to report as one line on stderr with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension ParsableCommand {
    /// Runs `body`, turning a `CommandFailure` into "workbench: error: …" and exit 1.
    func reportingFailures(_ body: () throws -> Void) throws {
        do { try body() } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("workbench: error: \(failure.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Sets OpenBLAS to use every core the machine has.
func configureBLAS() {
    BLAS.setThreadCount(ProcessInfo.processInfo.activeProcessorCount)
}

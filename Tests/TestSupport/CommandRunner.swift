import Foundation

/// How many times slower everything runs under `make sanitize` (which sets
/// WORKBENCH_SANITIZER); deadlines in the tests stretch by it.
public let sanitizerSlowdown: Double = ProcessInfo.processInfo.environment["WORKBENCH_SANITIZER"] == nil ? 1 : 10

/// Everything up to end-of-file, retrying reads a signal interrupts: Foundation's
/// `readDataToEndOfFile` traps on EINTR (`try!` inside), which a suite full of child processes
/// and signals met once.
public func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    let descriptor = handle.fileDescriptor
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            data.append(contentsOf: buffer[0..<count])
        } else if count < 0 && errno == EINTR {
            continue
        } else {
            return data
        }
    }
}

/// What a finished process left behind.
public struct CommandResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
}

/// Runs the real `workbench` executable that `swift build` put beside the test bundle
/// (or the one named by `$WORKBENCH_BINARY`), with no terminal and no standard input.
public enum WorkbenchBinary {
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["WORKBENCH_BINARY"] { return override }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may sit inside an .xctest bundle folder.
        if folder.pathExtension == "xctest" { folder = folder.deletingLastPathComponent() }
        return folder.appendingPathComponent("workbench").path
    }

    /// Starts the binary in the background (one BLAS thread, unless WORKBENCH_THREADS says
    /// otherwise; output discarded) and returns at once: for processes that run beside the test.
    public static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if environment["WORKBENCH_THREADS"] == nil { environment["WORKBENCH_THREADS"] = "1" }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// - Parameter launcher: a command that starts the binary, such as `setpriv ...` or a
    ///   shell that sets a limit first; it gets the binary's path and `arguments` after its own.
    public static func run(_ arguments: [String], environment: [String: String] = [:], launcher: [String] = [],
                           timeout: TimeInterval = 120) throws -> CommandResult {
        let process = Process()
        if launcher.isEmpty {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = launcher + [path] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        // Tests run side by side on few cores: one BLAS thread per workbench (docs/performance.md).
        if env["WORKBENCH_THREADS"] == nil { env["WORKBENCH_THREADS"] = "1" }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout * sanitizerSlowdown)
        // Read while waiting so a chatty process cannot fill the pipe and stall.
        let outData = readToEnd(out.fileHandleForReading)
        let errData = readToEnd(err.fileHandleForReading)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             standardOutput: String(decoding: outData, as: UTF8.self),
                             standardError: String(decoding: errData, as: UTF8.self))
    }
}

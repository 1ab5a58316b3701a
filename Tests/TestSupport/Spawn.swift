import Foundation

/// Runs a program (found on PATH) with posix_spawn and waits for it. Foundation's `Process`
/// is not used here because its `waitUntilExit` does not return for a client, such as
/// `tmux new-session -d`, that leaves a daemon behind.
/// - Returns: the exit status and what it wrote to standard output.
public func spawnAndWait(_ arguments: [String]) -> (status: Int32, output: String) {
    let outputPath = NSTemporaryDirectory() + "spawn-\(UUID().uuidString).out"
    defer { unlink(outputPath) }
    var pid: pid_t = 0
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // A clean signal state: the test runner's threads block signals that a terminal
    // program (and the tmux server it may start) needs, such as SIGWINCH.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t(), all = sigset_t()
    sigemptyset(&empty)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    guard let program = arguments.first, posix_spawnp(&pid, program, &actions, &attributes, cArguments, environ) == 0 else {
        return (-1, "")
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return ((status >> 8) & 0xFF, output)
}

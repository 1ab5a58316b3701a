import Foundation

/// An exclusive claim on a run folder for as long as one `TrainingRun` trains in it, so that
/// two processes (a `compare --resume` started twice, the TUI and a headless run) never
/// write the same checkpoint and metrics at once. It is an advisory `flock` on
/// `<folder>/.lock`: the kernel drops it when the process ends, however it ends, so a
/// killed run leaves nothing stale behind.
public final class RunFolderLock {
    public static let fileName = ".lock"
    private let descriptor: Int32

    /// Takes the folder's lock (creating the folder when missing), or says who holds it.
    public static func acquire(folder: String) throws(RunError) -> RunFolderLock {
        switch try take(folder: folder) {
        case .taken(let lock): return lock
        case .heldByThisProcess:
            throw RunError("\(folder): is already being trained by this process (the same run twice?)")
        case .heldByAnother(let holder):
            throw RunError("\(folder): is being trained by another workbench process\(holder.map { " (pid \($0))" } ?? "");"
                           + " wait for it to finish or choose another --out")
        }
    }

    /// What trying the lock found.
    public enum Attempt {
        case taken(RunFolderLock)
        case heldByThisProcess
        /// Another process trains the run (its pid when it could be read).
        case heldByAnother(pid_t?)
    }

    /// Tries the folder's lock without waiting (creating the folder when missing): how
    /// processes sharing an experiment each find a run that nobody trains.
    public static func take(folder: String) throws(RunError) -> Attempt {
        let (path, descriptor) = try openLockFile(folder)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            guard error == EWOULDBLOCK else {
                close(descriptor)
                throw RunError("\(path): cannot be locked (\(String(cString: strerror(error)))); the folder's filesystem must support flock")
            }
            let holder = Self.holder(descriptor)
            close(descriptor)
            return holder.map { $0 == Self.holderLine } == true ? .heldByThisProcess : .heldByAnother(holder.flatMap(Self.pid))
        }
        return .taken(RunFolderLock(descriptor: descriptor))
    }

    /// Waits until the folder's lock is free and takes it: a requeued task whose run another
    /// process (or a lock the filesystem still keeps for a dead node) holds continues after it.
    public static func wait(folder: String) throws(RunError) -> RunFolderLock {
        let (path, descriptor) = try openLockFile(folder)
        while flock(descriptor, LOCK_EX) != 0 {
            let error = errno
            if error == EINTR && StopSignal.pending == nil { continue }
            close(descriptor)
            throw RunError(error == EINTR ? "\(path): stopped while waiting for its lock"
                           : "\(path): cannot be locked (\(String(cString: strerror(error)))); the folder's filesystem must support flock")
        }
        return RunFolderLock(descriptor: descriptor)
    }

    /// The folder's `.lock` (the folder created when missing), open for reading and writing.
    private static func openLockFile(_ folder: String) throws(RunError) -> (path: String, descriptor: Int32) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw RunError("\(folder): cannot create the run folder (\(error.localizedDescription))")
        }
        let path = folder + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RunError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        return (path, descriptor)
    }

    /// "host pid": what `.lock` holds, so a pid is compared on its own host only.
    private static var holderLine: String { "\(ProcessPlace.current.host) \(getpid())" }

    private static func pid(_ line: String) -> pid_t? { line.split(separator: " ").last.flatMap { pid_t($0) } }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        // The holder's host and pid, for the message a second process prints.
        let pid = Array((Self.holderLine + "\n").utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } }
    }

    deinit { close(descriptor) }

    private static func holder(_ descriptor: Int32) -> String? {
        var bytes = [UInt8](repeating: 0, count: 300)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

import Foundation

/// Where a training process runs: its host, its pid and, under Slurm, its job (and array
/// task). Recorded with every stretch of training in run.json, so that whoever watches an
/// experiment trained on other machines can tell where each run is (or was) trained.
public struct ProcessPlace: Sendable, Codable, Equatable {
    public var host: String
    public var pid: Int32
    /// "1234_5" for task 5 of array job 1234, "1234" for a job that is no array; nil outside Slurm.
    public var slurmJob: String?

    public init(host: String, pid: Int32, slurmJob: String?) {
        self.host = host
        self.pid = pid
        self.slurmJob = slurmJob
    }

    /// This process, read from the host name and Slurm's environment.
    public static var current: ProcessPlace {
        ProcessPlace(host: hostName, pid: getpid(), slurmJob: slurmJob(ProcessInfo.processInfo.environment))
    }

    /// The Slurm job an environment belongs to (nil outside Slurm).
    public static func slurmJob(_ environment: [String: String]) -> String? {
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] { return "\(array)_\(task)" }
        return environment["SLURM_JOB_ID"]
    }

    /// "node12 · slurm 1234_5", or "laptop pid 812".
    public var label: String { slurmJob.map { "\(host) · slurm \($0)" } ?? "\(host) pid \(pid)" }

    private static var hostName: String {
        var bytes = [CChar](repeating: 0, count: 256)
        guard gethostname(&bytes, bytes.count - 1) == 0 else { return "unknown host" }
        let name = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown host" : name
    }
}

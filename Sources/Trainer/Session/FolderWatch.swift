import Evaluation
import Foundation
import Synchronization
import Vocabulary

/// The workbench on an experiment that other processes train (a headless `compare`, the
/// tasks of a `submit`ted array on other nodes, a folder synced from another machine): a
/// background thread reads the run folders every `interval` seconds, again only the runs whose
/// files changed, and publishes snapshots as the trainer does. It never writes into the runs;
/// export writes OUT/export as the trainer's does.
public final class FolderWatch: WorkbenchSource {
    public let out: String
    private let state: Mutex<SessionSnapshot>
    private let commands = Mutex<[SessionCommand]>([])
    private let reader: Mutex<FolderReader?>
    private let interval: Double

    /// Reads the folder once; refuses a folder that holds neither runs nor a submitted experiment.
    public init(out: String, interval: Double = 0.5) throws(RunError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isFolder) else { throw RunError("\(out): no such folder") }
        guard isFolder.boolValue else { throw RunError("\(out): not a folder") }
        let reader = FolderReader(out: out)
        let runs = reader.scan(now: Date())
        guard !runs.isEmpty else {
            throw RunError("\(out): holds no runs (no run folders with a run.json, no \(ExperimentRuns.fileName)); train into it with `workbench compare --out \(out)` or `workbench submit --out \(out)`")
        }
        self.out = out
        self.interval = interval
        var snapshot = reader.snapshot(runs)
        snapshot.message = "watching \(runs.count == 1 ? "1 run" : "\(runs.count) runs") trained by other processes"
        state = Mutex(snapshot)
        self.reader = Mutex(reader)
    }

    public var snapshot: SessionSnapshot { state.withLock { $0 } }
    public var closingMessage: String { "closing… (the runs go on in their own processes)" }

    public func send(_ command: SessionCommand) { commands.withLock { $0.append(command) } }

    public func start() {
        let thread = Thread { [self] in self.watchLoop() }
        thread.name = "workbench-watch"
        thread.start()
    }

    private func watchLoop() {
        guard let reader = reader.withLock({ $0.take() }) else { return }
        var lastScan = Date.distantPast
        // The problem the status line shows, when it shows one.
        var shownProblem: String?
        while true {
            let pending = commands.withLock { queue -> [SessionCommand] in
                defer { queue.removeAll() }
                return queue
            }
            var message: String?
            for command in pending {
                if command == .quit {
                    state.withLock { s in
                        s.revision += 1
                        s.finished = true
                    }
                    return
                }
                message = Self.refusal(command)
            }
            if Date().timeIntervalSince(lastScan) >= interval || message != nil {
                lastScan = Date()
                let runs = reader.scan(now: lastScan)
                let next = reader.snapshot(runs)
                // A command's answer first; else a problem, while it lasts; cleared once gone.
                let problem = reader.problem
                let line = message ?? problem ?? (shownProblem != nil ? "" : nil)
                shownProblem = message == nil ? problem : nil
                state.withLock { s in
                    let changed = s.runs != next.runs || s.references != next.references || line.map { $0 != s.message } == true
                    guard changed else { return }
                    s.runs = next.runs
                    s.references = next.references
                    s.truncationPrediction = next.truncationPrediction
                    if let line { s.message = line }
                    s.revision += 1
                }
            }
            usleep(20_000)
        }
    }

    /// What the status line says to a key that steers a trainer.
    static func refusal(_ command: SessionCommand) -> String {
        let what: String
        switch command {
        case .togglePause: what = "pausing a run"
        case .stop: what = "stopping a run"
        case .adjustSkip, .adjustDeputies: what = "setting the next triplet run"
        case .queueTriplet, .queueSweep: what = "queueing runs"
        case .addSeed: what = "adding a seed"
        case .fork: what = "forking a run"
        case .quit: what = "this"
        }
        return "watching: \(what) is up to the process that trains the runs"
    }
}

/// The watch thread's own state: what each run folder held when last read.
private final class FolderReader {
    let out: String
    /// The latest thing that could not be read (a file half-synced, say); nil when all read.
    private(set) var problem: String?
    private var submitted: (stamp: FileStamp, runs: [RunConfig])?
    private var seen: [String: Seen] = [:]

    struct Seen {
        var stamps: [FileStamp]
        var record: RunRecord
        var metrics: RunMetrics
        /// The newest modification time of its files: when its trainer last wrote.
        var lastWrite: Date
        /// Seconds between epochs by the clock, from two reads with new epochs between them.
        var epochWall: Double?
    }

    init(out: String) { self.out = out }

    /// Hands the reader to the thread that owns it from now on.
    func take() -> FolderReader { self }

    /// The runs in the folder: the submitted ones first, in their order, then any other
    /// run folder, by name. Reads again only the runs whose files changed since the last scan.
    func scan(now: Date) -> [RunSnapshot] {
        problem = nil
        let listed = submittedRuns()
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [])
            .filter { FileManager.default.fileExists(atPath: out + "/" + $0 + "/run.json") }.sorted()
        let names = listed.map(\.name) + folders.filter { name in !listed.contains { $0.name == name } }
        return names.map { name in
            if let run = read(name) { return Self.snapshot(of: run, now: now) }
            if let submitted = listed.first(where: { $0.name == name }) { return RunSnapshot(config: submitted) }
            // A run folder whose run.json cannot be read yet (a half-synced copy): its name, nothing else.
            return RunSnapshot(RunIdentity(method: .simclr), name: name, settings: nil, status: .queued, epochsDone: -1, totalEpochs: 0)
        }
    }

    /// The snapshot of the whole screen for `runs`.
    func snapshot(_ runs: [RunSnapshot]) -> SessionSnapshot {
        let records = seen.values.map(\.record).sorted { $0.name < $1.name }
        let first = records.first
        let configs = records.map(\.config) + (submitted?.runs ?? [])
        let template = configs.first { $0.method == .triplet } ?? configs.first ?? RunConfig(method: .triplet)
        var snapshot = SessionSnapshot(dataName: first?.dataSet ?? template.data, backbone: template.backbone, outDirectory: out,
                                       runs: runs, nextSkip: template.settings.skip, nextDeputies: template.settings.deputies)
        snapshot.watching = true
        if let data = first?.data { snapshot.imageShape = ImageShape(side: data.side, channels: data.channels) }
        let classes = seen.values.lazy.map(\.metrics.classNames.count).first { $0 > 1 }
        snapshot.truncationPrediction = classes.flatMap { TruncationPrediction(classes: $0, batch: template.batch) }
        snapshot.references = seen.values.sorted { $0.record.name < $1.record.name }.lazy.compactMap(\.metrics.references).first
        return snapshot
    }

    private func submittedRuns() -> [RunConfig] {
        let path = ExperimentRuns.path(in: out)
        guard let stamp = FileStamp(path) else { return [] }
        if let submitted, submitted.stamp == stamp { return submitted.runs }
        do {
            let runs = try ExperimentRuns.read(in: out)?.runs ?? []
            submitted = (stamp, runs)
            return runs
        } catch {
            problem = error.description
            return submitted?.runs ?? []
        }
    }

    /// The run in folder `name`, read again if any of its files changed; the last good read
    /// while a file cannot be read (a half-synced copy).
    private func read(_ name: String) -> Seen? {
        let folder = RunFolder(path: out + "/" + name)
        let paths = [folder.recordPath, folder.metricsPath, folder.centresPath, folder.referencesPath]
        let stamps = paths.map { FileStamp($0) ?? FileStamp.absent }
        // Submitted, not started: nothing to read.
        guard stamps[0] != FileStamp.absent else { return seen[name] }
        if let known = seen[name], known.stamps == stamps { return known }
        do {
            let record = try folder.readRecord()
            let metrics = try folder.readRunMetrics(record: record)
            let lastWrite = stamps.map(\.modified).max() ?? .distantPast
            var epochWall = seen[name]?.epochWall
            if let known = seen[name], let before = known.metrics.rows.last?.epoch, let now = metrics.rows.last?.epoch,
               now > before, known.lastWrite > .distantPast {
                let gap = lastWrite.timeIntervalSince(known.lastWrite) / Double(now - before)
                if gap > 0 { epochWall = gap }
            }
            let run = Seen(stamps: stamps, record: record, metrics: metrics, lastWrite: lastWrite, epochWall: epochWall)
            seen[name] = run
            return run
        } catch {
            problem = error.description
            return seen[name]
        }
    }

    static func snapshot(of run: Seen, now: Date) -> RunSnapshot {
        let c = run.record.config
        var snapshot = RunSnapshot(config: c)
        let rows = run.metrics.rows
        let last = rows.last
        snapshot.status = run.record.status
        snapshot.epochsDone = last?.epoch ?? -1
        snapshot.metrics = rows
        snapshot.lastLoss = last?.loss
        snapshot.imagesPerSecond = last?.imagesPerSecond
        snapshot.message = run.record.message
        snapshot.place = run.record.trainedBy?.last?.place
        // An epoch's time as the clock between two of its writes showed it (its trainer may
        // interleave other runs), else its own training and evaluation: the ETA, and how
        // long a silence is normal.
        let epochSeconds = run.epochWall
            ?? rows.last { $0.trainSeconds != nil }.map { ($0.trainSeconds ?? 0) + ($0.evalSeconds ?? 0) }
        if run.record.status == .running {
            snapshot.etaSeconds = epochSeconds.map { $0 * Double(max(0, c.epochs - max(snapshot.epochsDone, 0))) }
            let allowance = epochSeconds.map { max(120, 3 * $0) } ?? 600
            snapshot.stalled = Self.processIsGone(snapshot.place) || now.timeIntervalSince(run.lastWrite) > allowance
        }
        return snapshot
    }

    private static let thisHost = ProcessPlace.current.host

    /// True when `place` is a process of this host that no longer exists (killed, crashed):
    /// its run stays "running" in run.json, and nobody trains it.
    static func processIsGone(_ place: ProcessPlace?) -> Bool {
        guard let place, place.host == thisHost, place.pid > 0 else { return false }
        return kill(place.pid, 0) != 0 && errno == ESRCH
    }
}

/// A file's inode, size and modification time: a changed stamp means read it again (a file
/// replaced atomically is a new inode, whatever its time).
struct FileStamp: Equatable {
    var inode: UInt64
    var size: Int64
    var modified: Date

    static let absent = FileStamp(inode: 0, size: -1, modified: .distantPast)

    init(inode: UInt64, size: Int64, modified: Date) {
        self.inode = inode
        self.size = size
        self.modified = modified
    }

    /// Nil when there is no such file.
    init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
}

import Evaluation
import Foundation
import Synchronization

/// The trainer of the interactive workbench: one background thread advances the session's
/// runs a step at a time, the least advanced run first, so their curves grow side by side.
/// The UI reads immutable snapshots and sends commands; both cross threads through mutexes.
public final class TrainingSession: Sendable {
    /// The most runs a session holds: keys add runs (each keeps its networks in memory, about
    /// 45 MB for the mlp), and a key held down must not fill the machine's memory.
    public static let maximumRuns = 100

    private let state: Mutex<SessionSnapshot>
    private let commands = Mutex<[SessionCommand]>([])
    /// Set by `send(.quit)` at once, so that the trainer stops between the commands of a
    /// batch it is working through (each run it makes takes a moment) instead of after them.
    private let quitRequested = Atomic<Bool>(false)
    private let worker: Mutex<Worker?>

    /// Prepares the runs (validating them all) without training; `start` begins.
    public init(configs: [RunConfig], data: Dataset, out: String, resume: Bool) throws(RunError) {
        guard configs.count <= Self.maximumRuns else {
            throw RunError("\(configs.count) runs are more than the \(Self.maximumRuns) a workbench session holds; train them headless with `workbench compare` (or `sweep`) and open the results with --resume in parts")
        }
        let runs = try RunScheduler.prepare(configs, data: data, out: out, resume: resume)
        let template = configs.first { $0.method == .triplet } ?? configs.first ?? RunConfig(method: .triplet)
        let worker = Worker(runs: runs, data: data, out: out, template: template)
        var snapshot = SessionSnapshot(dataName: data.name, backbone: template.backbone, outDirectory: out,
                                       nextSkip: template.settings.skip, nextDeputies: template.settings.deputies)
        snapshot.imageShape = data.shape
        snapshot.truncationPrediction = TruncationPrediction(classes: data.classCount, batch: template.batch)
        snapshot.runs = runs.map { worker.snapshot(of: $0) }
        // Reopened finished runs publish nothing more: their reference lines show from the start.
        snapshot.references = Self.references(of: runs)
        state = Mutex(snapshot)
        self.worker = Mutex(worker)
    }

    /// The latest published state.
    public var snapshot: SessionSnapshot { state.withLock { $0 } }

    public func send(_ command: SessionCommand) {
        if case .quit = command { quitRequested.store(true, ordering: .relaxed) }
        commands.withLock { $0.append(command) }
    }

    /// Starts the trainer thread.
    public func start() {
        let thread = Thread { [self] in self.trainLoop() }
        thread.name = "workbench-trainer"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func trainLoop() {
        guard let worker = worker.withLock({ $0.take() }) else { return }
        var lastPublish = Date.distantPast
        var running = true
        while running {
            let pending = commands.withLock { queue -> [SessionCommand] in
                defer { queue.removeAll() }
                return queue
            }
            // Quit ends at once: commands queued before and behind it (a key storm) are dropped.
            for command in pending {
                if quitRequested.load(ordering: .relaxed) || !worker.handle(command) {
                    running = false
                    break
                }
            }
            let changed = running ? worker.advanceOnce() : false
            if !pending.isEmpty || changed && Date().timeIntervalSince(lastPublish) > 0.1 || worker.epochJustEnded {
                publish(worker)
                lastPublish = Date()
                worker.epochJustEnded = false
            }
            if running && !changed { usleep(20_000) }
        }
        worker.abandonUnfinished()
        publish(worker)
        // The folders are free for another process (or a resumed run) once `finished` shows.
        worker.runs.removeAll()
        state.withLock { s in
            s.revision += 1
            s.finished = true
        }
    }

    private func publish(_ worker: Worker) {
        let runs = worker.runs.map { worker.snapshot(of: $0) }
        state.withLock { s in
            s.revision += 1
            s.runs = runs
            s.nextSkip = worker.nextSkip
            s.nextDeputies = worker.nextDeputies
            s.message = worker.message
            if s.references == nil { s.references = Self.references(of: worker.runs) }
        }
    }

    /// The first run's saved reference lines (raw pixels, random initialisation), if any.
    private static func references(of runs: [TrainingRun]) -> References? {
        runs.lazy.compactMap(\.references).first?.analysis
    }
}

/// State owned by the trainer thread alone.
private final class Worker {
    var runs: [TrainingRun]
    let data: Dataset
    let out: String
    let template: RunConfig
    var paused = Set<String>()
    var nextSkip: Int
    var nextDeputies: Int
    var message = ""
    var epochJustEnded = false
    /// Time spent per run in steps and in end-of-epoch evaluations, for the ETA.
    struct Timing {
        var stepSeconds = 0.0, steps = 0
        var evaluationSeconds = 0.0, evaluations = 0
    }
    private var timing: [String: Timing] = [:]

    init(runs: [TrainingRun], data: Dataset, out: String, template: RunConfig) {
        self.runs = runs
        self.data = data
        self.out = out
        self.template = template
        nextSkip = template.settings.skip
        nextDeputies = template.settings.deputies
    }

    func take() -> Worker { self }

    var negatives: Int { template.batch - 1 }

    /// Applies a command; false when the session should end.
    func handle(_ command: SessionCommand) -> Bool {
        switch command {
        case let .togglePause(name):
            if paused.remove(name) == nil { paused.insert(name) }
        case let .stop(name):
            if let run = runs.first(where: { $0.config.name == name }), !run.isFinished {
                do {
                    try run.markEnded(.stopped, message: "stopped by the user after epoch \(max(run.nextEpoch - 1, 0)); --resume continues it")
                    message = "stopped \(name)"
                } catch { message = error.description }
            }
        case let .adjustSkip(delta):
            nextSkip = min(max(0, nextSkip + delta), max(0, negatives - nextDeputies))
        case let .adjustDeputies(delta):
            nextDeputies = min(max(1, nextDeputies + delta), max(1, negatives - nextSkip))
        case .queueTriplet:
            queue(skip: nextSkip)
        case .queueSweep:
            for skip in MethodSettings.referenceSweepSkips where skip + nextDeputies <= negatives { queue(skip: skip) }
        case let .addSeed(name):
            addSeed(to: name)
        case let .fork(name):
            fork(name)
        case .quit:
            return false
        }
        return true
    }

    private func queue(skip: Int) {
        var config = template
        config.method = .triplet
        config.settings.skip = skip
        config.settings.deputies = nextDeputies
        config.settings.medianNegative = false
        add(config)
    }

    private func addSeed(to name: String) {
        guard let run = runs.first(where: { $0.config.name == name }) else { return }
        if let fork = run.config.fork {
            message = "a fork continues its parent's checkpoint, so another seed of it would be the same run; press r on \(fork.parentName), then fork that seed"
            return
        }
        let siblings = runs.filter { $0.config.name == name || sameExceptSeed($0.config, run.config) }
        var config = run.config
        config.seed = (siblings.map(\.config.seed).max() ?? 0) + 1
        add(config)
    }

    private func fork(_ name: String) {
        guard let parent = runs.first(where: { $0.config.name == name }), hasRoom() else { return }
        guard parent.config.method == .triplet else {
            message = "only triplet runs fork: select one (↑ ↓) and press f"
            return
        }
        let own = parent.config.settings
        guard own.medianNegative || own.skip != nextSkip || own.deputies != nextDeputies else {
            message = "skip \(nextSkip), deputies \(nextDeputies) are \(name)'s own: set another with + - > < ] [ and press f again"
            return
        }
        do {
            let config = try TrainingRun.forkConfig(parent: parent.folder, epoch: nil, skip: nextSkip, deputies: nextDeputies,
                                                    gamma: parent.config.settings.gamma, epochs: nil)
            guard !runs.contains(where: { $0.config.name == config.name }) else {
                message = "\(config.name) is already in this session"
                return
            }
            let run = try TrainingRun(config: config, data: data, folder: RunFolder(path: out + "/" + config.name), resume: true)
            runs.append(run)
            message = "forked \(run.config.name) from \(name) at epoch \(run.config.fork?.epoch ?? 0)"
        } catch {
            message = error.description
        }
    }

    private func sameExceptSeed(_ a: RunConfig, _ b: RunConfig) -> Bool {
        var a = a
        a.seed = b.seed
        return a == b
    }

    /// False, with the reason as the message, when the session cannot take another run.
    private func hasRoom() -> Bool {
        guard runs.count < TrainingSession.maximumRuns else {
            message = "the session holds \(TrainingSession.maximumRuns) runs, its most; no run queued"
            return false
        }
        return true
    }

    private func add(_ config: RunConfig) {
        guard hasRoom() else { return }
        guard !runs.contains(where: { $0.config.name == config.name }) else {
            message = "\(config.name) is already in this session"
            return
        }
        do {
            runs.append(try TrainingRun(config: config, data: data, folder: RunFolder(path: out + "/" + config.name), resume: true))
            message = "queued \(config.name)"
        } catch {
            message = error.description
        }
    }

    /// The run to work on (`RunScheduler.leastAdvanced`), paused runs aside.
    private func nextRun() -> TrainingRun? {
        RunScheduler.leastAdvanced(runs) { !paused.contains($0.config.name) }
    }

    /// One step (or one epoch's evaluation) of one run; false when there was nothing to do.
    func advanceOnce() -> Bool {
        guard let run = nextRun() else { return false }
        var t = timing[run.config.name] ?? Timing()
        do {
            let started = Date(), stepBefore = run.stepInEpoch
            let more = try run.trainStep()
            if run.stepInEpoch != stepBefore || more {
                t.stepSeconds += Date().timeIntervalSince(started)
                t.steps += 1
            }
            if !more {
                let evaluationStarted = Date()
                try run.finishEpoch()
                t.evaluationSeconds += Date().timeIntervalSince(evaluationStarted)
                t.evaluations += 1
                epochJustEnded = true
            }
            timing[run.config.name] = t
        } catch {
            message = error.description
            epochJustEnded = true
        }
        return true
    }

    /// Leaves unfinished runs resumable: their folders keep the last complete epoch.
    func abandonUnfinished() {
        let cause = StopSignal.pending.map { "stopped by \(StopSignal.name($0))" } ?? "workbench closed"
        for run in runs where !run.isFinished {
            do { try run.markEnded(.stopped, message: "\(cause) during epoch \(run.nextEpoch); --resume continues it") } catch {
                message = error.description
            }
        }
    }

    func snapshot(of run: TrainingRun) -> RunSnapshot {
        let c = run.config
        // ETA: the remaining steps and evaluations at this run's own average costs.
        let remainingEpochs = max(0, c.epochs - max(run.nextEpoch - 1, 0))
        let remainingSteps = max(0, remainingEpochs * run.stepsPerEpoch - run.stepInEpoch)
        let remainingEvaluations = max(0, c.epochs - run.nextEpoch + 1)
        var eta: Double?
        if let t = timing[c.name], t.steps > 0, t.evaluations > 0 {
            eta = t.stepSeconds / Double(t.steps) * Double(remainingSteps)
                + t.evaluationSeconds / Double(t.evaluations) * Double(remainingEvaluations)
        }
        var status = run.record.status
        if status == .running && paused.contains(c.name) { status = .paused }
        if status == .running && run.nextEpoch == 0 { status = .queued }
        var snapshot = RunSnapshot(config: c)
        snapshot.status = status
        snapshot.paused = paused.contains(c.name)
        snapshot.epochsDone = run.nextEpoch - 1
        snapshot.step = run.stepInEpoch
        snapshot.stepsPerEpoch = run.stepsPerEpoch
        snapshot.lastLoss = run.lastStepLoss.map(Double.init) ?? run.metrics.last?.loss
        snapshot.imagesPerSecond = run.metrics.last?.imagesPerSecond
        snapshot.etaSeconds = run.isFinished ? nil : eta
        snapshot.metrics = run.metrics
        snapshot.message = run.record.message
        return snapshot
    }
}

import Foundation
import Evaluation
import Testing
import Trainer
@testable import TUI
import Vocabulary
import Reporting

/// A fixed snapshot: three runs a few epochs in, one triplet, one supervised.
func sampleSnapshot() -> SessionSnapshot {
    func metrics(_ knn: [Double], divergence: Double, pr: Double?) -> [EpochMetrics] {
        knn.enumerated().map { epoch, value in
            var m = EpochMetrics(epoch: epoch)
            m.knnTop1 = value
            m.linearTop1 = value + 2
            m.classDivergence = divergence + Double(epoch) * 0.1
            m.prOmegaMeasured = epoch == 0 ? nil : pr
            m.prOmegaAnalytic = pr == nil ? nil : 0.99
            m.loss = epoch == 0 ? nil : 5 - Double(epoch)
            return m
        }
    }
    let runs = [
        RunSnapshot(RunIdentity(method: .simclr), status: .running, paused: false,
                    epochsDone: 3, totalEpochs: 10, step: 5, stepsPerEpoch: 10, lastLoss: 4.2, imagesPerSecond: 5000,
                    etaSeconds: 125, metrics: metrics([78, 77, 79, 80], divergence: 1.5, pr: 0.26), message: nil),
        RunSnapshot(.triplet(skip: 1), status: .paused,
                    paused: true, epochsDone: 3, totalEpochs: 10, step: 0, stepsPerEpoch: 10, lastLoss: 196.4,
                    imagesPerSecond: 3000, etaSeconds: 300, metrics: metrics([78, 77.5, 79.5, 80.5], divergence: 1.2, pr: 0.57), message: nil),
        RunSnapshot(RunIdentity(method: .supervised), status: .done, paused: false,
                    epochsDone: 10, totalEpochs: 10, step: 0, stepsPerEpoch: 10, lastLoss: 0.5, imagesPerSecond: 9000,
                    etaSeconds: nil, metrics: metrics([78, 81, 83, 84], divergence: 1.4, pr: nil), message: nil),
    ]
    return SessionSnapshot(revision: 1, dataName: "fmnist-20k", backbone: .mlp, outDirectory: "runs/test", runs: runs,
                           nextSkip: 10, nextDeputies: 9, message: "exported 12 files to runs/test/export")
}

@Suite struct LayoutTests {
    @Test(arguments: [(100, 30), (130, 40), (240, 70)])
    func panelsTileTheScreenWithoutOverlap(width: Int, height: Int) throws {
        let layout = try #require(Layout(width: width, height: height))
        let rects = Panel.allCases.map(layout.rect(of:)) + [layout.status]
        var covered = [Int](repeating: 0, count: width * height)
        for r in rects {
            #expect(r.width >= 20 && r.height >= 1)
            for y in r.y..<(r.y + r.height) { for x in r.x..<(r.x + r.width) { covered[y * width + x] += 1 } }
        }
        #expect(covered.allSatisfy { $0 == 1 }, "panels must cover every cell exactly once")
    }

    @Test func tooSmallTerminalGetsOnlyTheMessage() {
        #expect(Layout(width: 99, height: 30) == nil)
        #expect(Layout(width: 100, height: 29) == nil)
        let grid = Screen.render(sampleSnapshot(), state: UIState(), width: 80, height: 24)
        #expect(grid.text.contains("Enlarge the terminal to at least 100×30 (now 80×24)"))
        #expect(!grid.text.contains("Learning curves"))
    }
}

@Suite struct PanelTests {
    let grid = Screen.render(sampleSnapshot(), state: UIState(), width: 130, height: 40)

    @Test func curvesPanelPlotsBrailleWithLegendAndAxes() {
        let curves = (1..<23).map(grid.line).joined(separator: "\n")
        #expect(curves.contains("━ simclr") && curves.contains("━ supervised"))
        let braille = curves.unicodeScalars.filter { $0.value >= 0x2801 && $0.value <= 0x28FF }.count
        #expect(braille > 20, "only \(braille) braille cells")
        #expect(curves.contains("epoch"))
        #expect(curves.contains("84.") || curves.contains("84,"))  // top of the y axis near the best value
    }

    @Test func runsPanelShowsStatusProgressAndETA() {
        let text = grid.text
        #expect(text.contains("simclr") && text.contains("running") && text.contains("paused") && text.contains("done"))
        #expect(text.contains("3/10") && text.contains("2m05"))
        #expect(text.contains("196.40"))
        #expect(text.contains("skip 10, deputies 9"))  // the next triplet run's settings
    }

    @Test func diagnosticsFlagUnderAndOverClusteringInWords() {
        let text = grid.text
        #expect(text.contains("under-clustering"))
        #expect(text.contains("over-clustering"))
        #expect(text.contains("0.570"))  // measured Pr(ω|A) of the triplet run
    }

    @Test func ablationPanelListsTripletRunsBySkip() {
        let lines = grid.text.split(separator: "\n").filter { $0.contains("80.50") }
        #expect(!lines.isEmpty, "ablation row with the triplet's latest accuracy")
        // The binomial bound's prediction for the data's classes and batch, under the rows.
        var snapshot = sampleSnapshot()
        snapshot.truncationPrediction = TruncationPrediction(classes: 10, batch: 256)
        for (width, height, expected) in [(240, 70, "predicted best skip ≈ 25 (19–32) at 10 classes, batch 256"),
                                          (130, 40, "predicted skip ≈ 25 (19–32)"), (100, 30, "pred")] {
            let text = Screen.render(snapshot, state: UIState(), width: width, height: height).text
            #expect(text.contains(expected), "\(width)×\(height): \(text)")
        }
    }

    @Test func statusLineAndHelpOverlay() {
        #expect(grid.line(39).contains("fmnist-20k · mlp · CPU"))
        #expect(grid.line(39).contains("exported 12 files") && grid.line(39).contains("out runs/test"))
        #expect(grid.line(39).contains("? help"))
        var state = UIState()
        state.showHelp = true
        let help = Screen.render(sampleSnapshot(), state: state, width: 130, height: 40).text
        for entry in KeyMap.help { #expect(help.contains(entry.action), "help lacks \(entry.action)") }
    }

    @Test func longPanelTitlesEndInAnEllipsis() {
        var grid = CellGrid(width: 24, height: 3)
        grid.frame(Rect(x: 0, y: 0, width: 24, height: 3), title: "Ablation · accuracy vs skip", focused: false)
        #expect(grid.text.split(separator: "\n")[0] == "┌─ Ablation · accura… ─┐")
        grid.frame(Rect(x: 0, y: 0, width: 24, height: 3), title: "Runs", focused: false)
        #expect(grid.text.split(separator: "\n")[0] == "┌─ Runs ───────────────┐")
    }

    @Test func asciiFallbackUsesNoWideCharacters() {
        let ascii = Screen.render(sampleSnapshot(), state: UIState(), width: 130, height: 40, asciiOnly: true)
        #expect(ascii.text.unicodeScalars.allSatisfy { $0.isASCII || $0 == "\n" })
        // Under LANG=C the titles read in ASCII words, not question marks: Pr(w|A), a dot for ·.
        #expect(ascii.text.contains("Pr(w|A)") && ascii.text.contains("Learning curves . kNN"), "\(ascii.text)")
        let panels = ascii.text.split(separator: "\n").dropLast(2).joined(separator: "\n")  // the status line names the ? key
        #expect(!panels.contains("?"), "a character without a stand-in:\n\(ascii.text)")
    }
}

@Suite struct KeyMapTests {
    let snapshot = sampleSnapshot()

    @Test func keysMoveFocusAndSelection() {
        var state = UIState()
        if case let .view(next) = KeyMap.action(for: .tab, state: state, snapshot: snapshot) { state = next }
        #expect(state.focus == .diagnostics)
        if case let .view(next) = KeyMap.action(for: .character("j"), state: state, snapshot: snapshot) { state = next }
        #expect(state.selectedRun == 1)
        if case let .view(next) = KeyMap.action(for: .character("m"), state: state, snapshot: snapshot) { state = next }
        #expect(state.measure == .linear)
    }

    @Test func keysSendCommands() {
        var state = UIState()
        state.selectedRun = 1
        #expect(KeyMap.action(for: .character(" "), state: state, snapshot: snapshot) == .command(.togglePause(run: "triplet-skip1-dep9")))
        #expect(KeyMap.action(for: .character("x"), state: state, snapshot: snapshot) == .command(.stop(run: "triplet-skip1-dep9")))
        #expect(KeyMap.action(for: .character("+"), state: state, snapshot: snapshot) == .command(.adjustSkip(by: 1)))
        #expect(KeyMap.action(for: .character(">"), state: state, snapshot: snapshot) == .command(.adjustSkip(by: 10)))
        #expect(KeyMap.action(for: .character("]"), state: state, snapshot: snapshot) == .command(.adjustDeputies(by: 1)))
        #expect(KeyMap.action(for: .enter, state: state, snapshot: snapshot) == .command(.queueTriplet))
        #expect(KeyMap.action(for: .character("s"), state: state, snapshot: snapshot) == .command(.queueSweep))
        #expect(KeyMap.action(for: .character("e"), state: state, snapshot: snapshot) == .export)
        #expect(KeyMap.action(for: .character("q"), state: state, snapshot: snapshot) == .quit)
    }

    @Test func helpClosesOnAnyKey() {
        var state = UIState()
        state.showHelp = true
        guard case let .view(next) = KeyMap.action(for: .character("+"), state: state, snapshot: snapshot) else {
            Issue.record("a key should close the help")
            return
        }
        #expect(!next.showHelp)
    }
}

@Suite struct CollapseAlarmTests {
    @Test func collapsedRunIsFlaggedOnTheRunsAndDiagnosticsPanels() {
        var snapshot = sampleSnapshot()
        var last = EpochMetrics(epoch: 1)
        last.knnTop1 = 66
        last.embeddingStd = 0.0056
        last.embeddingRank = 12.4
        last.collapsed = true
        var noMomentum = MethodSettings()
        noMomentum.targetMomentum = 0
        snapshot.runs.append(RunSnapshot(RunIdentity(method: .byol), settings: noMomentum, status: .running,
                                         paused: false, epochsDone: 1, totalEpochs: 10, step: 2, stepsPerEpoch: 10,
                                         lastLoss: 0.01, imagesPerSecond: 4000, etaSeconds: 60,
                                         metrics: [EpochMetrics(epoch: 0), last], message: nil))
        let grid = Screen.render(snapshot, state: UIState(), width: 130, height: 40)
        let text = grid.text
        #expect(text.contains("collapsed"), "runs panel")
        #expect(text.contains("collapse: embedding std 0.006, rank 12.4"), "diagnostics panel")
        // The flag is drawn in the alarm colour.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let y = lines.firstIndex(where: { $0.contains("collapsed") }), let x = lines[y].range(of: "collapsed").map({ lines[y].distance(from: lines[y].startIndex, to: $0.lowerBound) }) {
            #expect(grid[x, y].ink == .bad)
        } else {
            Issue.record("no collapsed cell")
        }
    }
}

/// Values that are not finite (a run whose weights became NaN; a file from elsewhere) are drawn
/// as missing: drawing them used to trap converting NaN to a bar width in the ablation panel.
@Suite struct NonFiniteValueTests {
    @Test(arguments: [AccuracyMeasure.knn, .linear])
    func nonFiniteAccuraciesAndDiagnosticsDrawAsMissing(measure: AccuracyMeasure) {
        let base = sampleSnapshot()
        var runs = base.runs
        for index in runs.indices {
            guard var last = runs[index].metrics.last else { continue }
            last.epoch += 1
            last.knnTop1 = .nan
            last.linearTop1 = .infinity
            last.classDivergence = .nan
            last.prOmegaMeasured = -.infinity
            runs[index].metrics.append(last)
        }
        let snapshot = SessionSnapshot(revision: 2, dataName: base.dataName, backbone: base.backbone, outDirectory: base.outDirectory,
                                       runs: runs, nextSkip: base.nextSkip, nextDeputies: base.nextDeputies, message: "")
        var state = UIState()
        state.measure = measure
        for (width, height) in [(100, 30), (130, 40), (200, 55)] {
            let grid = Screen.render(snapshot, state: state, width: width, height: height)
            #expect(grid.text.contains("Ablation"))
            #expect(!grid.text.contains("nan") && !grid.text.contains("NaN"), "a non-finite value drawn at \(width)×\(height)")
        }
    }
}

/// Issue 26: what the screen compares, it compares at a stated epoch and with whole words.
@Suite struct HonestScreenTests {
    /// Five methods with clear verdicts (under- and over-clustering), one of them behind.
    static func comparison() -> SessionSnapshot {
        func rows(_ epochs: Int, divergence: Double, pr: Double?) -> [EpochMetrics] {
            (0...epochs).map { epoch in
                var m = EpochMetrics(epoch: epoch)
                m.knnTop1 = 70 + Double(epoch)
                m.classDivergence = divergence + 0.01 * Double(epoch)
                m.prOmegaMeasured = epoch == 0 ? nil : pr
                m.prOmegaAnalytic = pr == nil ? nil : 0.999
                return m
            }
        }
        let specs: [(RunIdentity, Double, Double?, Int)] = [
            (RunIdentity(method: .simclr), 1.5, 0.2, 4), (RunIdentity(method: .moco), 1.3, 0.6, 4), (RunIdentity(method: .byol), 0.9, nil, 4),
            (.triplet(skip: 1), 1.1, 0.3, 4), (.triplet(skip: 11, forkEpoch: 2), 1.0, 0.25, 3),
            (RunIdentity(method: .supervised), 2.0, nil, 4),
        ]
        let runs = specs.map { identity, divergence, pr, epochs in
            RunSnapshot(identity, status: .running, epochsDone: epochs, totalEpochs: 10, stepsPerEpoch: 10, lastLoss: 1,
                        imagesPerSecond: 1000, etaSeconds: 10, metrics: rows(epochs, divergence: divergence, pr: pr))
        }
        return SessionSnapshot(revision: 1, dataName: "fmnist-20k", backbone: .mlp, outDirectory: "runs/x", runs: runs,
                               nextSkip: 11, nextDeputies: 9, message: "")
    }

    /// Words the diagnostics panel can write; a screen token that is a strict prefix of one
    /// (and not a word itself, nor marked with "." or "…") is a word cut by the panel's edge.
    static let vocabulary: Set<String> = ["over-clustering", "under-clustering", "pushes", "own", "class", "away", "most",
                                          "classes", "overlap", "trend", "supervised", "centre", "distance", "spread",
                                          "better", "share", "negatives", "own-class", "epoch", "values", "collapse",
                                          "embedding", "rank", "Diagnostics", "under-", "over-clustering;", "accuracy", "fork", "deputies", "dep"]

    @Test(arguments: [(100, 30), (120, 40), (160, 48), (200, 55)])
    func diagnosticsPanelCutsNoWord(width: Int, height: Int) {
        let grid = Screen.render(Self.comparison(), state: UIState(), width: width, height: height)
        let text = grid.text
        #expect(text.contains("↳ over-clustering") && text.contains("↳ under-clustering"), "verdicts missing at \(width)×\(height):\n\(text)")
        let separators = CharacterSet(charactersIn: " │┌┐└┘─├┤").union(.whitespacesAndNewlines)
        for token in text.components(separatedBy: separators) {
            let word = token.trimmingCharacters(in: CharacterSet(charactersIn: ",;:()"))
            guard word.count >= 3, !word.hasSuffix("."), !word.hasSuffix("…"), !Self.vocabulary.contains(word) else { continue }
            let cut = Self.vocabulary.first { $0.hasPrefix(word) && $0 != word }
            #expect(cut == nil, "\"\(word)\" is \"\(cut ?? "")\" cut short at \(width)×\(height):\n\(text)")
        }
    }

    @Test func verdictsCompareRunsAtTheEpochTheyAllReached() {
        var snapshot = Self.comparison()
        // At epoch 3 (where the fork is) moco has the largest Pr(ω|A); at epoch 4 only simclr would.
        for index in snapshot.runs.indices where snapshot.runs[index].name == "simclr" {
            snapshot.runs[index].metrics[4].prOmegaMeasured = 0.95
        }
        let verdicts = DiagnosticsPanel.verdicts(snapshot.runs)
        #expect(verdicts["moco"]?.first?.contains("over-clustering") == true && verdicts["simclr"] == nil, "\(verdicts)")
    }

    /// The ablation panel's rows are `Ablation.points`, the function the exported figure uses.
    @Test func ablationPanelAndFigureShareOneFunctionAndStateTheirEpochs() throws {
        let snapshot = Self.comparison()
        let runs = snapshot.runs.map(\.asRunMetrics)
        #expect(AblationPanel.rows(snapshot.runs, measure: .knn) == Ablation.points(runs, value: AccuracyMeasure.knn.value))
        let figure = try #require(Figures.ablation(runs, measure: .knn))
        guard case let .lines(series) = figure.content else { Issue.record("not a line figure"); return }
        let plotted = series.filter { !$0.isReference }.flatMap { $0.points.map(\.y) }.sorted()
        #expect(plotted == Ablation.points(runs, value: AccuracyMeasure.knn.value).compactMap(\.mean).sorted())
        #expect(figure.caption?.contains("not at one epoch") == true && figure.title.contains("latest epoch"), "\(figure.caption ?? "")")
        // On screen: each row names its epoch, and the fork says where it began.
        let text = Screen.render(snapshot, state: UIState(), width: 160, height: 48).text
        #expect(text.contains("e4") && text.contains("e3 fork@2"), "\(text)")
        // At 100×30 the marks shorten (f@2) but stay whole inside the panel.
        let small = Screen.render(snapshot, state: UIState(), width: 100, height: 30).text
        #expect(small.contains("e3 f@2"), "\(small)")
        // All at one epoch: the heading says which, and the rows need no marks.
        var level = snapshot
        level.runs.removeAll { $0.forkedAt != nil }
        let even = Screen.render(level, state: UIState(), width: 160, height: 48).text
        #expect(even.contains("at epoch 4") && !even.contains(" e4"), "\(even)")
    }
}

/// `workbench watch`: where each run is trained takes the settings' column, and the states
/// of runs trained elsewhere read as pending, stalled and finished.
@Suite struct WatchingScreenTests {
    @Test func theRunsPanelShowsWhereAndHowEachRunIs() throws {
        var snapshot = sampleSnapshot()
        snapshot.watching = true
        snapshot.runs[0].place = ProcessPlace(host: "node07", pid: 4242, slurmJob: "1234_0")
        snapshot.runs[0].stalled = true
        snapshot.runs[1].status = .queued
        snapshot.runs[2].place = ProcessPlace(host: "laptop", pid: 812, slurmJob: nil)
        let grid = Screen.render(snapshot, state: UIState(), width: 240, height: 70)
        let lines = grid.text.split(separator: "\n").map(String.init)
        func runLine(_ name: String) throws -> String {
            try #require(lines.first { $0.hasPrefix("│" + name + " ") || $0.hasPrefix("│triplet-" + name + " ") })
        }
        #expect(lines.contains { $0.contains("Runs · watching") })
        #expect(lines.contains { $0.hasPrefix("│run") && $0.contains(" where ") })
        let simclr = try runLine("simclr"), triplet = try runLine("skip1-dep9"), supervised = try runLine("supervised")
        #expect(simclr.contains("node07 · slurm 1234_0") && simclr.contains("stalled"), "\(simclr)")
        #expect(triplet.contains("pending") && triplet.contains(" — "), "\(triplet)")
        #expect(supervised.contains("laptop pid 812") && supervised.contains("finished"), "\(supervised)")
    }
}

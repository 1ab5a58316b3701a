import Trainer

/// One row per run: name, settings, status, progress, loss, throughput, ETA.
enum RunsPanel {
    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        let title = snapshot.watching
            ? "Runs · watching, trained by other processes"
            : "Runs · next triplet: skip \(snapshot.nextSkip), deputies \(snapshot.nextDeputies) (Enter queues)"
        grid.frame(rect, title: title, focused: state.focus == .runs)
        let inner = rect.inset(1)
        guard inner.width > 20, inner.height > 1 else { return }
        // Fixed columns take 52 cells, 63 with the train+eval times (shown from 80 cells); the name gets most of the rest, then the settings
        // (left out on narrow screens: the name already says a triplet run's setting).
        let showSettings = inner.width >= 80
        let showTimes = inner.width >= 80
        let flexible = max(10, inner.width - (showTimes ? 63 : 52))
        let nameWidth = showSettings ? max(10, min(22, flexible * 3 / 5)) : max(10, min(22, flexible - 1))
        let detailWidth = max(8, min(24, flexible - nameWidth - 1))
        let barWidth = 8
        // Watching: where each run is trained takes the settings' place.
        let header = Formatting.padded("run", nameWidth) + " "
            + (showSettings ? Formatting.padded(snapshot.watching ? "where" : "settings", detailWidth) + " " : "")
            + "status    epoch   " + Formatting.padded("progress", barWidth) + "     loss   img/s " + (showTimes ? "train+eval " : "") + "ETA"
        grid.put(header, x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
        let labels = Formatting.runLabels(snapshot.runs, width: nameWidth)
        let visible = inner.height - 1
        let first = max(0, min(state.selectedRun - visible + 1, snapshot.runs.count - visible))
        for (row, index) in (first..<min(snapshot.runs.count, first + visible)).enumerated() {
            let run = snapshot.runs[index]
            let statusInk: Ink
            switch run.status {
            case .done: statusInk = .good
            case .diverged, .failed: statusInk = .bad
            case .paused, .stopped: statusInk = .warning
            case .running where run.stalled: statusInk = .bad
            default: statusInk = .normal
            }
            let y = inner.y + 1 + row
            let selected = index == state.selectedRun
            var x = inner.x
            func column(_ text: String, _ width: Int, _ ink: Ink = .normal) {
                grid.put(Formatting.padded(text, width), x: x, y: y, ink: ink, reverse: selected, limit: inner.x + inner.width - x)
                x += width + 1
            }
            column(labels[index], nameWidth, run.forkedAt != nil ? .fork : .method(run.method))
            if showSettings {
                column(snapshot.watching ? Formatting.place(run.place, width: detailWidth) : Formatting.settings(Formatting.detail(run), width: detailWidth),
                       detailWidth, snapshot.watching ? .dim : .normal)
            }
            // A collapsed run keeps training, but its status says so in red.
            let collapsed = run.metrics.last?.collapsed == true && run.status != .diverged && run.status != .failed
            column(collapsed ? "collapsed" : Formatting.status(run, watching: snapshot.watching), 9, collapsed ? .bad : statusInk)
            column("\(max(run.epochsDone, 0))/\(run.totalEpochs)", 7)
            column(Formatting.bar(run.progress, width: barWidth, ascii: grid.asciiOnly), barWidth, .accent)
            column(Formatting.rightAligned(Formatting.number(run.lastLoss, run.lastLoss.map { abs($0) >= 100 } == true ? "%.2f" : "%.4f"), 9), 9)
            column(Formatting.rightAligned(Formatting.number(run.imagesPerSecond, "%.0f"), 7), 7)
            // Seconds the last epoch spent training and evaluating.
            let last = run.metrics.last { $0.trainSeconds != nil }
            if showTimes { column(Formatting.rightAligned(last.map { Formatting.seconds($0.trainSeconds) + "+" + Formatting.seconds($0.evalSeconds) } ?? "—", 10), 10) }
            column(Formatting.duration((run.status == .running && !run.stalled) || run.status == .queued ? run.etaSeconds : nil), 6)
        }
        if snapshot.runs.isEmpty { grid.put("no runs", x: inner.x, y: inner.y + 1, ink: .dim) }
    }
}

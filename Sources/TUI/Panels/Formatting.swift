import Foundation
import Trainer
import Vocabulary

/// Short text forms of numbers for narrow columns.
enum Formatting {
    /// Seconds with one decimal below 100 s, whole seconds above.
    static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return value < 100 ? String(format: "%.1fs", value) : String(format: "%.0fs", value)
    }

    static func number(_ value: Double?, _ format: String, missing: String = "—") -> String {
        guard let value, value.isFinite else { return missing }
        return String(format: format, value)
    }

    /// "1h02", "3m05", "42s".
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "—" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02d", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02d", s / 60, s % 60) }
        return "\(s)s"
    }

    /// A trend line of ▁▂▃▄▅▆▇█ over the last `width` values.
    static func sparkline(_ values: [Double], width: Int, ascii: Bool) -> String {
        let recent = values.filter(\.isFinite).suffix(width)
        guard let low = recent.min(), let high = recent.max() else { return "" }
        let levels: [Character] = ascii ? Array("_.-=+*#@") : Array("▁▂▃▄▅▆▇█")
        return String(recent.map { v in
            high > low ? levels[min(levels.count - 1, Int((v - low) / (high - low) * Double(levels.count - 1) + 0.5))] : levels[3]
        })
    }

    /// A bar of `width` cells filled to `fraction`.
    static func bar(_ fraction: Double, width: Int, ascii: Bool) -> String {
        let filled = fraction.isFinite ? max(0, min(width, Int((max(-1, min(2, fraction)) * Double(width)).rounded()))) : 0
        return String(repeating: ascii ? "#" : "█", count: filled) + String(repeating: ascii ? "." : "░", count: width - filled)
    }

    /// The runs' labels in at most `width` cells each (`RunIdentity.labels`); a run whose
    /// config could not be read goes by its folder's name.
    static func runLabels(_ runs: [RunSnapshot], width: Int) -> [String] {
        let labels = RunIdentity.labels(runs.map(\.identity), width: width)
        return zip(runs, labels).map { run, label in
            run.settings != nil || run.name.count <= width ? (run.settings != nil ? label : run.name) : String(run.name.prefix(max(width - 1, 0))) + "…"
        }
    }

    /// A run's key settings in a few words ("skip 1 · deputies 9"; "run.json unreadable"
    /// when its config could not be read).
    static func detail(_ run: RunSnapshot) -> String {
        guard let s = run.settings else { return "run.json unreadable" }
        switch run.method {
        case .triplet: return s.medianNegative ? "median negative" : "skip \(s.skip) · deputies \(s.deputies)"
        case .moco: return "queue \(s.queueSize) · τ \(s.mocoTemperature)"
        case .simclr: return "τ \(s.simclrTemperature)"
        case .byol: return "momentum \(s.targetMomentum)"
        case .supervised: return "goal line"
        }
    }

    /// A run's settings ("skip 11 · deputies 9") shortened on purpose to fit `width`
    /// ("skip 11 · dep 9", "s11 d9"), never cut between a word and its value.
    static func settings(_ detail: String, width: Int) -> String {
        let steps = [("deputies", "dep"), ("momentum", "mom."), ("median negative", "median"), (" · ", " "),
                     ("queue ", "q"), ("skip ", "s"), ("dep ", "d"), ("goal line", "goal")]
        var text = detail
        for (long, short) in steps where text.count > width { text = text.replacingOccurrences(of: long, with: short) }
        return fitting([text], width)
    }

    /// Where a watched run is trained, fitted to `width`: "node12 · slurm 1234_5",
    /// "node12 1234_5", "1234_5"; "laptop pid 812", "laptop"; "—" for a run nobody started.
    static func place(_ place: ProcessPlace?, width: Int) -> String {
        guard let place else { return "—" }
        let variants = place.slurmJob.map { [place.label, "\(place.host) \($0)", $0] } ?? [place.label, place.host]
        return fitting(variants, width)
    }

    /// A run's state as the runs panel names it: a watched run nobody trains yet is pending,
    /// one whose trainer went silent is stalled.
    static func status(_ run: RunSnapshot, watching: Bool) -> String {
        if run.status == .running && run.stalled { return "stalled" }
        if watching && run.status == .queued { return "pending" }
        if watching && run.status == .done { return "finished" }
        return run.status.rawValue
    }

    /// The first of `variants` (longest first) that fits `width`; else the last, cut with an
    /// ellipsis at a word boundary where there is one.
    static func fitting(_ variants: [String], _ width: Int) -> String {
        if let fit = variants.first(where: { $0.count <= width }) { return fit }
        guard let last = variants.last, width > 1 else { return "" }
        let cut = String(last.prefix(width - 1))
        let word = cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? cut
        return (word.trimmingCharacters(in: .whitespaces).isEmpty ? cut : word) + "…"
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
    }

    static func rightAligned(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : String(repeating: " ", count: width - text.count) + text
    }
}

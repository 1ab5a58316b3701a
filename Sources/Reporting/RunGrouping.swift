import Evaluation
/// The one rule for which runs are seeds of one configuration, used by every figure and
/// table: runs are pooled only when their identities (config without the seed) agree and
/// their seeds differ. A fork has its own identity, so it is never a seed of its parent.
public enum RunGrouping {
    /// `runs` ready to export: a folder given twice, or a run repeating another's
    /// configuration and seed (a copy), is counted once; runs sharing a name but not a
    /// configuration are told apart by their parent folder. Returns a note for each change.
    public static func prepare(_ runs: [RunMetrics]) -> (runs: [RunMetrics], notes: [String]) {
        var kept: [RunMetrics] = [], notes: [String] = []
        var seenFolders = Set<String>(), seenRuns: [String: RunMetrics] = [:]
        for run in runs {
            if let folder = run.folder {
                guard seenFolders.insert(folder).inserted else {
                    notes.append("\(folder) is given twice; counted once")
                    continue
                }
            }
            if let identity = run.configKey {
                let key = identity + "\u{0}\(run.seed)"
                if let first = seenRuns[key] {
                    notes.append("\(run.folder ?? run.run) repeats \(first.folder ?? first.run) (same configuration and seed); counted once")
                    continue
                }
                seenRuns[key] = run
            }
            kept.append(run)
        }
        // One label per identity; identities that would share a label get their folder's parent.
        let identities = kept.map { $0.configKey ?? $0.group }
        let bases = kept.map(\.group)
        var identitiesByLabel: [String: Set<String>] = [:]
        for (base, identity) in zip(bases, identities) { identitiesByLabel[base, default: []].insert(identity) }
        var labels: [String: String] = [:], used = Set<String>()
        for index in kept.indices {
            let base = bases[index], identity = identities[index]
            let clash = (identitiesByLabel[base]?.count ?? 0) > 1
            if clash { kept[index].run = qualified(kept[index].run, folder: kept[index].folder, index: index) }
            if labels[identity] == nil {
                var label = clash ? qualified(base, folder: kept[index].folder, index: index) : base
                while used.contains(label) { label += "′" }
                labels[identity] = label
                used.insert(label)
            }
            kept[index].group = labels[identity] ?? base
        }
        if identitiesByLabel.values.contains(where: { $0.count > 1 }) {
            notes.append("runs sharing a name but not a configuration are shown as folder/name")
        }
        return (kept, notes)
    }

    /// `name` prefixed with the name of the folder that holds its run folder.
    private static func qualified(_ name: String, folder: String?, index: Int) -> String {
        guard let folder else { return "\(name) #\(index + 1)" }
        let parts = folder.split(separator: "/")
        return parts.count >= 2 ? "\(parts[parts.count - 2])/\(name)" : "\(name) #\(index + 1)"
    }
}

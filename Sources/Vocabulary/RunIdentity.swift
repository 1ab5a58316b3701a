/// What tells one run of an experiment from the others: its method, the triplet negative it
/// uses, its seed, and the epoch it was forked at. Folder names, seed groups, screen labels
/// and figure legends are all derived from it here, and nowhere else is a run name taken apart.
public struct RunIdentity: Sendable, Hashable {
    /// How a truncated triplet run picks its negative.
    public enum Negative: Sendable, Hashable {
        /// Skip the `skip` nearest candidates and average the next `deputies`.
        case truncated(skip: Int, deputies: Int)
        /// The median candidate.
        case median
    }

    public var method: MethodKind
    /// The triplet negative (nil for the other methods).
    public var negative: Negative?
    public var seed: UInt64
    /// The parent's epoch a forked run started from (nil when not forked).
    public var forkEpoch: Int?

    public init(method: MethodKind, negative: Negative? = nil, seed: UInt64 = 0, forkEpoch: Int? = nil) {
        self.method = method
        self.negative = method == .triplet ? negative : nil
        self.seed = seed
        self.forkEpoch = forkEpoch
    }

    /// A truncated triplet run's identity.
    public static func triplet(skip: Int, deputies: Int = 9, seed: UInt64 = 0, forkEpoch: Int? = nil) -> RunIdentity {
        RunIdentity(method: .triplet, negative: .truncated(skip: skip, deputies: deputies), seed: seed, forkEpoch: forkEpoch)
    }

    /// The truncation threshold of a truncated triplet run.
    public var skip: Int? {
        if case let .truncated(skip, _) = negative { return skip }
        return nil
    }

    /// The deputies of a truncated triplet run.
    public var deputies: Int? {
        if case let .truncated(_, deputies) = negative { return deputies }
        return nil
    }

    /// The same run without its seed: what the seeds of one configuration share.
    public var unseeded: RunIdentity {
        var copy = self
        copy.seed = 0
        return copy
    }

    /// The run's folder name: `triplet-skip1-dep9-seed2-fork-e5`; seed 0 is not named.
    public var folderName: String { name(compaction: 0, seeded: true) }

    /// The seed group's name: the folder name without the seed (`triplet-skip1-dep9`).
    public var groupName: String { name(compaction: 0, seeded: false) }

    /// Labels for runs shown side by side in at most `width` cells each, shortened alike so
    /// that what tells them apart survives: "triplet-skip10-dep1-seed2" →
    /// "triplet-skip10-dep1#2" → "skip10-dep1#2" → "s10-d1#2", each step taken only while
    /// some label is too long; cut, with an ellipsis, only when even that does not fit.
    /// - Parameter seeded: false labels seed groups (no seed shown).
    public static func labels(_ runs: [RunIdentity], width: Int, seeded: Bool = true) -> [String] {
        var labels: [String] = []
        for compaction in 0...maximumCompaction {
            labels = runs.map { $0.name(compaction: compaction, seeded: seeded) }
            if !labels.contains(where: { $0.count > width }) { break }
        }
        return labels.map { $0.count <= width ? $0 : String($0.prefix(max(width - 1, 0))) + "…" }
    }

    /// Shortening steps, in order: seed as `#2`, fork as `@e5`, no `triplet-`, `s` for
    /// skip, `-d` for deputies, `superv.` for supervised.
    static let maximumCompaction = 6

    func name(compaction: Int, seeded: Bool) -> String {
        var parts: [String] = []
        switch negative {
        case nil: parts.append(compaction >= 6 && method == .supervised ? "superv." : method.rawValue)
        case .median?: parts.append(compaction >= 3 ? "median" : "triplet-median")
        case let .truncated(skip, deputies)?:
            let settings = (compaction >= 4 ? "s\(skip)" : "skip\(skip)") + (compaction >= 5 ? "-d\(deputies)" : "-dep\(deputies)")
            parts.append(compaction >= 3 ? settings : "triplet-" + settings)
        }
        if seeded && seed != 0 { parts.append(compaction >= 1 ? "#\(seed)" : "-seed\(seed)") }
        if let forkEpoch { parts.append(compaction >= 2 ? "@e\(forkEpoch)" : "-fork-e\(forkEpoch)") }
        return parts.joined()
    }

    /// The seed group of a run known only by a folder name that an earlier version wrote (a
    /// fork's parent in `run.json`): the name without its `-seedN`.
    public static func groupName(ofFolderName name: String) -> String {
        let marker = "-seed"
        guard let start = name.indices.last(where: { name[$0...].hasPrefix(marker) }) else { return name }
        let digits = name[start...].dropFirst(marker.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return name }
        return String(name[..<start])
    }
}

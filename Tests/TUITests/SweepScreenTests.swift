import Evaluation
import Testing
import Trainer
@testable import TUI
import Vocabulary

/// The screen during a seeded truncation sweep (the ablation example's shape): 16 triplet
/// runs whose names differ only past the 13th character.
@Suite struct SweepScreenTests {
    static func sweepSnapshot() -> SessionSnapshot {
        var runs: [RunSnapshot] = []
        for deputies in [1, 9] {
            for skip in [0, 10, 25, 40] {
                for seed in 0..<2 {
                    var m = EpochMetrics(epoch: 1)
                    m.knnTop1 = 70 + Double(skip) / 10 + Double(seed)
                    m.linearTop1 = 80
                    m.classDivergence = 1.3
                    m.prOmegaMeasured = 0.5 - Double(skip) / 100
                    m.prOmegaAnalytic = 1
                    var settings = MethodSettings()
                    (settings.skip, settings.deputies) = (skip, deputies)
                    runs.append(RunSnapshot(.triplet(skip: skip, deputies: deputies, seed: UInt64(seed)), settings: settings,
                                            status: .running, epochsDone: 1, totalEpochs: 3, stepsPerEpoch: 4, lastLoss: 197,
                                            imagesPerSecond: 4000, etaSeconds: 10, metrics: [m]))
                }
            }
        }
        var snapshot = SessionSnapshot(revision: 1, dataName: "fmnist-20k", backbone: .mlp, outDirectory: "runs/sweep", runs: runs,
                                       nextSkip: 0, nextDeputies: 1, message: "")
        snapshot.references = References(pixelsKNN: 71.1, pixelsLinear: 80, randomInitKNN: 65, randomInitLinear: 70)
        return snapshot
    }

    @Test func runNamesAreShortenedKeepingWhatTellsThemApart() {
        func label(_ run: RunIdentity, _ width: Int) -> String { RunIdentity.labels([run], width: width)[0] }
        let run = RunIdentity.triplet(skip: 10, deputies: 1, seed: 2)
        #expect(label(run, 30) == "triplet-skip10-dep1-seed2" && run.folderName == "triplet-skip10-dep1-seed2")
        #expect(label(run, 21) == "triplet-skip10-dep1#2")
        #expect(label(run, 13) == "skip10-dep1#2")
        #expect(label(run, 12) == "s10-dep1#2")
        #expect(label(run, 9) == "s10-d1#2")
        #expect(label(.triplet(skip: 30, seed: 1, forkEpoch: 5), 12) == "s30-d9#1@e5")
        let supervised = RunIdentity(method: .supervised)
        #expect(label(supervised, 6) == "super…" && label(supervised, 8) == "superv.")  // cut on purpose, never mid-word silently
        #expect(label(RunIdentity(method: .triplet, negative: .median, seed: 3), 20) == "triplet-median-seed3")
        #expect(label(RunIdentity(method: .triplet, negative: .median, seed: 3), 12) == "median#3")
        // A column is shortened alike: one long name shortens its neighbours too.
        #expect(RunIdentity.labels([RunIdentity(method: .simclr), .triplet(skip: 0, deputies: 1, seed: 1), .triplet(skip: 10, deputies: 1, seed: 1)],
                                   width: 12) == ["simclr", "s0-dep1#1", "s10-dep1#1"])
        // Folder names and seed groups come from the same identity; older names parse back to their group.
        #expect(RunIdentity.triplet(skip: 1, seed: 4, forkEpoch: 5).groupName == "triplet-skip1-dep9-fork-e5")
        #expect(RunIdentity.groupName(ofFolderName: "triplet-skip1-dep9-seed12") == "triplet-skip1-dep9")
        #expect(RunIdentity.groupName(ofFolderName: "my-seeds") == "my-seeds")
    }

    @Test func diagnosticsAndRunsNameEverySettingDistinctly() {
        let text = Screen.render(Self.sweepSnapshot(), state: UIState(), width: 130, height: 40).text
        // A plain cut would show "triplet-skip1" for skip 10 and for skip 1 alike.
        #expect(!text.contains("triplet-skip1 ") && !text.contains("triplet-skip "))
        for label in ["skip10-dep1", "skip25-dep1#1", "skip40-dep9"] { #expect(text.contains(label), "no \(label)") }
    }

    @Test func ablationPanelHasOneRowPerSettingWithTheSeedMean() {
        let rows = AblationPanel.rows(Self.sweepSnapshot().runs, measure: .knn)
        #expect(rows.count == 8 && rows.allSatisfy { $0.seeds == 2 })
        #expect(rows.map(\.skip) == [0, 0, 10, 10, 25, 25, 40, 40] && rows.map(\.deputies) == [1, 9, 1, 9, 1, 9, 1, 9])
        #expect(rows[2].mean == 71.5)
        let text = Screen.render(Self.sweepSnapshot(), state: UIState(), width: 130, height: 40).text
        #expect(text.contains("71.50  0.400  ×2"), "\(text)")
        #expect(text.contains("Ablation · kNN % vs skip"))
    }

    @Test(arguments: [130, 100])
    func legendShortensNamesAndKeepsTheReferenceLines(width: Int) {
        let grid = Screen.render(Self.sweepSnapshot(), state: UIState(), width: width, height: 40)
        // The curves panel's two legend lines (the diagnostics panel sits to their right).
        let legend = [grid.line(1), grid.line(2)].map { $0.components(separatedBy: "││").first ?? "" }.joined(separator: "\n")
        #expect(legend.contains("pixels 71.1") && legend.contains("init 65.0"), "\(legend)")
        let settings = [1, 9].flatMap { deputies in [0, 10, 25, 40].map { (skip: $0, deputies: deputies) } }
        let named = settings.filter { s in
            ["skip\(s.skip)-dep\(s.deputies) ×2", "s\(s.skip)-dep\(s.deputies) ×2", "s\(s.skip)-d\(s.deputies) ×2"].contains { legend.contains($0) }
        }
        // Every setting is named, or those left out are counted.
        #expect(named.count == 8 || legend.contains("+\(8 - named.count) more"), "\(legend)")
        if width == 130 { #expect(named.count == 8, "\(legend)") }
    }
}

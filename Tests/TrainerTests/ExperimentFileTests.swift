import Foundation
import Testing
@testable import Trainer

@Suite struct ExperimentFileTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples").path

    func parse(_ text: String) throws(DataError) -> ExperimentFile { try ExperimentFile.parse(Data(text.utf8), path: "e.json") }

    func refusal(_ text: String) -> String {
        do { _ = try parse(text); return "accepted" } catch { return error.description }
    }

    @Test func shippedExamplesParseIntoValidRuns() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 8)
        for name in names {
            let file = try ExperimentFile.read(path: Self.examples + "/" + name)
            let configs = file.configs(defaultData: "synthetic")
            #expect(!configs.isEmpty && configs.count == file.runCount, "\(name)")
            #expect(Set(configs.map(\.name)).count == configs.count, "\(name): two runs share a folder")
            for c in configs { #expect(c.problems().isEmpty, "\(name): \(c.problems())") }
        }
        let ablation = try ExperimentFile.read(path: Self.examples + "/truncation-ablation.json")
        #expect(ablation.runCount == 10 * 2 * 3)
    }

    @Test func runsAreMethodsTimesSeedsTimesTripletSettings() throws {
        let file = try parse(#"{"data": "synthetic", "epochs": 2, "seeds": [0, 4], "methods": ["byol", "triplet"], "triplet": {"skip": [0, 5], "deputies": [1, 9]}}"#)
        let names = file.configs(defaultData: "fmnist").map(\.name)
        #expect(names == ["byol", "triplet-skip0-dep1", "triplet-skip5-dep1", "triplet-skip0-dep9", "triplet-skip5-dep9",
                          "byol-seed4", "triplet-skip0-dep1-seed4", "triplet-skip5-dep1-seed4", "triplet-skip0-dep9-seed4",
                          "triplet-skip5-dep9-seed4"])
        // "probe_every": the linear probe's interval, the same for every run; 1 is the default.
        let sparse = try parse(#"{"methods": ["simclr", "byol"], "probe_every": 5}"#).configs(defaultData: "fmnist")
        #expect(sparse.map(\.probeEvery) == [5, 5])
        #expect(try parse(#"{"methods": ["simclr"], "probe_every": 1}"#).configs(defaultData: "fmnist")[0].probeEvery == nil)
        #expect(refusal(#"{"methods": ["simclr"], "probe_every": 0}"#).contains("\"probe_every\""))
        let defaults = try parse(#"{"methods": ["simclr"]}"#).configs(defaultData: "fmnist")
        #expect(defaults.count == 1 && defaults[0].epochs == 50 && defaults[0].data == "fmnist" && defaults[0].learningRate == 0.06)
    }

    @Test func mistakesGetOneLineNamingTheKey() {
        #expect(refusal("{") .hasPrefix("e.json: not valid JSON"))
        #expect(refusal("[1]") == "e.json: must hold a JSON object")
        #expect(refusal(#"{"epochs": 3}"#) == "e.json: \"methods\" is missing")
        #expect(refusal(#"{"methods": ["swav"]}"#).contains("'swav' is not one of simclr"))
        #expect(refusal(#"{"methods": ["byol"], "epoch": 3}"#).contains("unknown key \"epoch\""))
        #expect(refusal(#"{"methods": ["byol"], "epochs": 2.5}"#).contains("\"epochs\" must be an integer ≥ 1"))
        #expect(refusal(#"{"methods": ["byol"], "epochs": true}"#).contains("\"epochs\" must be an integer ≥ 1"))
        #expect(refusal(#"{"methods": ["byol"], "lr": -1}"#).contains("\"lr\" must be a positive number"))
        #expect(refusal(#"{"methods": ["byol"], "triplet": {"skips": [1]}}"#).contains("unknown key \"triplet.skips\""))
        #expect(refusal(#"{"methods": ["byol"], "triplet": {"negative": "hardest"}}"#).contains("is not truncated or median"))
        #expect(refusal(#"{"methods": ["byol"], "backbone": "vit"}"#).contains("'vit' is not one of mlp, convnet"))
    }
}

import Evaluation
import Foundation
import Testing
import TestSupport
import Trainer

/// The shipped experiments' quick variants, run from their files as a user would
/// (`workbench compare --config examples/NAME-quick.json`), and checked for completeness:
/// every run, every epoch, every figure and table of the export.
@Suite struct ExampleExperimentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let examples = root + "/examples"
    static let fashionMNISTInstalled = DataCatalog.defaultName == "fmnist-20k"

    @Test(.enabled(if: fashionMNISTInstalled, "needs Debian's dataset-fashion-mnist (make test installs it)"),
          arguments: ["learning-efficiency", "clustering-table", "truncation-ablation", "convnet"])
    func quickVariantRunsCompletely(name: String) throws {
        let out = makeTemporaryFolder("example-\(name)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let path = Self.examples + "/\(name)-quick.json"
        let experiment = try ExperimentFile.read(path: path)
        let configs = experiment.configs(defaultData: "fmnist-20k")
        let result = try WorkbenchBinary.run(["compare", "--config", path, "--out", out + "/runs", "--quiet"], timeout: 600)
        #expect(result.status == 0, "\(result.standardError)")

        for config in configs {
            let folder = RunFolder(path: out + "/runs/" + config.name)
            let record = try folder.readRecord()
            #expect(record.status == .done, "\(config.name): \(record.status)")
            let metrics = try folder.readMetrics()
            #expect(metrics.map(\.epoch) == Array(0...config.epochs), "\(config.name) lacks epochs")
            #expect(metrics.allSatisfy { $0.knnTop1 != nil && $0.linearTop1 != nil && !$0.diverged }, "\(config.name)")
            #expect(folder.readReferences() != nil, "\(config.name) has no reference lines")
        }
        let results = out + "/results/\(name)-quick"
        let exported = try WorkbenchBinary.run(["export", out + "/runs", "--out", results])
        #expect(exported.status == 0, "\(exported.standardError)")
        var expected = ["metrics.csv", "summary.csv", "summary.md", "evaluation.json"]
        var figures = ["accuracy-knn", "accuracy-linear", "class-divergence", "pr-omega"]
        if Set(configs.map(\.settings.skip)).count > 1 && configs.contains(where: { $0.method == .triplet }) {
            figures += ["ablation-skip", "ablation-pr-omega"]
        }
        expected += figures.flatMap { [$0 + ".png", $0 + ".svg"] }
        let written = Set((try? FileManager.default.contentsOfDirectory(atPath: results)) ?? [])
        for file in expected { #expect(written.contains(file), "\(name): export lacks \(file)") }
        let summary = (try? String(contentsOfFile: results + "/summary.csv", encoding: .utf8)) ?? ""
        let groups = Set(configs.map(\.groupName))
        #expect(summary.split(separator: "\n").count == 1 + groups.count, "\(name): one summary row per run group")
        // What scripts/reproduce.sh writes beside each export.
        let runText = """
            command: workbench compare --config \(path) --out \(out)/runs --quiet
            export:  workbench export \(out)/runs --out \(results)
            seconds: 1
            machine: test
            date:    now
            """
        try Data(runText.utf8).write(to: URL(fileURLWithPath: results + "/run.txt"))
        try expectResultsPage(name: name, results: out + "/results")
    }

    /// docs/results.md's generator (`scripts/results.py`) reads the export and writes this
    /// experiment's section whole: provenance, its figures, a table and the reading.
    func expectResultsPage(name: String, results: String) throws {
        let page = results + "/results.md"
        let generated = spawnAndWait(["python3", Self.root + "/scripts/results.py", "--results", results,
                                      "--suffix=-quick", "--out", page])
        #expect(generated.status == 0, "results.py failed: \(generated.output)")
        let text = (try? String(contentsOfFile: page, encoding: .utf8)) ?? ""
        let sections = text.components(separatedBy: "\n## ")
        guard let section = sections.first(where: { !$0.contains("Not run yet") && $0.contains("Command:") }) else {
            Issue.record("\(name): results.md has no section for it:\n\(text)")
            return
        }
        #expect(sections.filter { $0.contains("Not run yet") }.count == 3, "\(name): the other three are marked not run")
        #expect(section.contains("examples/\(name)-quick.json"), "\(name): the command is missing")
        #expect(section.contains("Reading"), "\(name): no reading")
        #expect(!section.contains("missing numbers"), "\(name): \(section)")
        let drawn = ["learning-efficiency": ["accuracy-knn", "accuracy-linear"], "convnet": ["accuracy-knn", "accuracy-linear"],
                     "clustering-table": ["class-divergence", "pr-omega"],
                     "truncation-ablation": ["ablation-skip", "ablation-pr-omega"]][name] ?? []
        for figure in drawn {
            #expect(section.contains("\(name)-quick/\(figure).png)"), "\(name): results.md does not show \(figure)")
        }
        #expect(section.contains("| "), "\(name): no table")
        #expect(section.contains("| raw pixels |") && section.contains("Against **raw pixels**"),
                "\(name): its accuracies are not set beside the raw-pixel baseline")
        if name == "learning-efficiency" || name == "convnet" {
            #expect(section.contains("epochs to 25 / 50 / 75 % of the gap") && section.contains("Half of the gap to the goal closed"),
                    "\(name): the learning-efficiency columns or their reading are missing")
        }
    }
}


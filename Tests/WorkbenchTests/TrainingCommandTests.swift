import Evaluation
import Foundation
import Testing
import TestSupport
import Trainer
import Vocabulary

/// The headless training commands, run as real processes.
@Suite struct TrainingCommandTests {
    let small = ["--data", "synthetic", "--train-size", "1536", "--batch", "128", "--quiet"]

    func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test func killedRunResumesToTheSameMetrics() throws {
        let out = makeTemporaryFolder("resume")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let args = ["compare", "--methods", "moco,triplet", "--epochs", "4"] + small
        // Bit-equal for a given thread count (the products split by it); pinned for all three,
        // since the killed one is started here, not by WorkbenchBinary (which defaults to 1).
        let threads = ["WORKBENCH_THREADS": "1"]
        let reference = try WorkbenchBinary.run(args + ["--out", out + "/straight"], environment: threads)
        #expect(reference.status == 0, "\(reference.standardError)")

        // Start the same run, kill it with SIGKILL once it is into its third epoch.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WorkbenchBinary.path)
        process.arguments = args + ["--out", out + "/killed"]
        process.environment = ProcessInfo.processInfo.environment.merging(threads) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        let metrics = out + "/killed/triplet-skip1-dep9/metrics.csv"
        let deadline = Date().addingTimeInterval(120 * sanitizerSlowdown)
        while read(metrics).split(separator: "\n").count < 4 && Date() < deadline && process.isRunning { usleep(20_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let partial = read(metrics).split(separator: "\n").count
        #expect(partial < 6, "the run finished before it was killed")

        let resumed = try WorkbenchBinary.run(args + ["--out", out + "/killed", "--resume"], environment: threads)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        for name in ["moco", "triplet-skip1-dep9"] {
            let a = untimedMetrics(out + "/straight/\(name)/metrics.csv")
            let b = untimedMetrics(out + "/killed/\(name)/metrics.csv")
            #expect(a.count == 6)
            #expect(a == b, "\(name) differs after resume")
        }
        #expect(read(out + "/killed/moco/run.json").contains("\"status\" : \"done\""))
    }

    @Test func metricsFileReadsBackWithPythonsCSVModule() throws {
        let out = makeTemporaryFolder("csv")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try WorkbenchBinary.run(["train", "--method", "simclr", "--epochs", "1", "--out", out] + small)
        #expect(result.status == 0, "\(result.standardError)")
        let script = """
        import csv, sys
        rows = list(csv.DictReader(open(sys.argv[1], newline='')))
        print(",".join(rows[0].keys()))
        print(len(rows), rows[0]['epoch'], rows[0]['loss'] == '', float(rows[1]['knn_top1']) > 0, float(rows[1]['linear_top1']) > 0)
        """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, out + "/simclr/metrics.csv"]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        python.waitUntilExit()
        let lines = String(decoding: readToEnd(pipe.fileHandleForReading), as: UTF8.self).split(separator: "\n")
        #expect(lines.first == "run,method,epoch,loss,knn_top1,linear_top1,class_divergence,pr_omega_analytic,pr_omega_measured,images_per_s,wall_s,status,rep_std,effective_rank,alarm,embedding_std,embedding_rank,train_s,eval_s")
        #expect(lines.last == "2 0 True True True")
    }

    @Test func divergedRunStopsAloneAndIsRecorded() throws {
        let out = makeTemporaryFolder("diverge")
        defer { try? FileManager.default.removeItem(atPath: out) }
        // A temperature of 1e-30 overflows SimCLR's logits; the triplet loss has no temperature.
        // (With --lr 1e30 the triplet run's weights become non-finite too, and since issue 27
        // that is caught as diverged rather than recorded as done.)
        let result = try WorkbenchBinary.run(["compare", "--methods", "simclr,triplet", "--epochs", "1", "--temperature", "1e-30",
                                              "--out", out] + small)
        #expect(result.status == 1)
        #expect(result.standardError.contains("simclr: loss became NaN"))
        let simclr = read(out + "/simclr/run.json"), triplet = read(out + "/triplet-skip1-dep9/run.json")
        #expect(simclr.contains("\"status\" : \"diverged\""))
        #expect(simclr.contains("loss became NaN"))
        #expect(triplet.contains("\"status\" : \"done\""))
        // metrics.csv keeps the evaluated epoch 0 and marks the epoch that diverged.
        let rows = read(out + "/simclr/metrics.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 3)
        let status = rows[0].firstIndex(of: "status") ?? 0
        #expect(rows.last?.first == "simclr" && rows.last?[2] == "1" && rows.last?[3] == "nan" && rows.last?[status] == "diverged")
        #expect(rows[1][status] == "ok" && !rows[1][4].isEmpty)

        // Exports skip the diverged epoch in curves and name it in the summary.
        let exported = try WorkbenchBinary.run(["export", out + "/simclr", out + "/triplet-skip1-dep9", "--out", out + "/figures", "--format", "csv,md"])
        #expect(exported.status == 0, "\(exported.standardError)")
        #expect(read(out + "/figures/summary.md").contains("diverged at epoch 1"))
        #expect(read(out + "/figures/metrics.csv").contains(",diverged,"))
    }

    func expectRefusal(_ arguments: [String], _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try WorkbenchBinary.run(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(phrase), "\(result.standardError)", sourceLocation: sourceLocation)
    }

    @Test func badConfigurationsAreRefusedBeforeAnyWork() throws {
        let out = makeTemporaryFolder("bad")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try expectRefusal(["train", "--method", "swav", "--out", out] + small, "swav")
        try expectRefusal(["train", "--method", "byol", "--backbone", "vit", "--out", out] + small, "vit")
        try expectRefusal(["compare", "--methods", "simclr,swav", "--out", out] + small, "'swav' is not valid")
        try expectRefusal(["train", "--method", "triplet", "--skip", "120", "--deputies", "9", "--out", out] + small,
                          "--skip 120 + --deputies 9 exceeds the 127 negatives of a batch of 128")
        try expectRefusal(["sweep", "--skip", "0,200", "--out", out] + small, "--skip 200 + --deputies 9 exceeds")
        try expectRefusal(["train", "--method", "byol", "--data", "synthetic", "--train-size", "100", "--batch", "256", "--out", out],
                          "--batch 256 is larger than the 100 training images")
        try expectRefusal(["train", "--method", "byol", "--epochs", "0", "--out", out] + small, "--epochs must be positive")
        try expectRefusal(["train", "--method", "byol", "--lr=-0.1", "--out", out] + small, "--lr must be positive")
        try expectRefusal(["train", "--method", "byol", "--lr", "0", "--out", out] + small, "--lr must be positive")
        try expectRefusal(["compare", "--methods", "byol", "--probe-every", "0", "--out", out] + small, "--probe-every must be at least 1, got 0")
        #expect(!FileManager.default.fileExists(atPath: out + "/byol"), "a refused config left files behind")
    }

    @Test func existingOutputFolderIsProtected() throws {
        let out = makeTemporaryFolder("exists")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let first = try WorkbenchBinary.run(["train", "--method", "byol", "--epochs", "1", "--out", out] + small)
        #expect(first.status == 0, "\(first.standardError)")
        let before = read(out + "/byol/metrics.csv")
        try expectRefusal(["train", "--method", "byol", "--epochs", "2", "--out", out] + small, "different config")
        try expectRefusal(["train", "--method", "byol", "--epochs", "1", "--out", out] + small, "pass --resume")
        #expect(read(out + "/byol/metrics.csv") == before)
        let resumed = try WorkbenchBinary.run(["train", "--method", "byol", "--epochs", "1", "--out", out, "--resume"] + small)
        #expect(resumed.status == 0)
        #expect(read(out + "/byol/metrics.csv") == before)
    }
}

@Suite struct ExperimentCommandTests {
    @Test func compareRunsAnExperimentFileAndFlagsOverrideIt() throws {
        let out = makeTemporaryFolder("config")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let file = out + "/experiment.json"
        try Data(#"{"data": "synthetic", "epochs": 5, "train_size": 1024, "batch": 128, "seeds": [0, 1], "methods": ["byol", "triplet"], "triplet": {"skip": [0, 20], "deputies": [9]}, "out": "ignored-because-out-is-given"}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let result = try WorkbenchBinary.run(["compare", "--config", file, "--epochs", "1", "--out", out + "/runs", "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: out + "/runs").sorted()
        // Beside the run folders: the pixel references the runs share, and their lock.
        let runs = entries.filter { ![".pixel-references.lock", PixelBaselines.fileName].contains($0) }
        #expect(entries.count == runs.count + 2)
        #expect(runs == ["byol", "byol-seed1", "triplet-skip0-dep9", "triplet-skip0-dep9-seed1", "triplet-skip20-dep9", "triplet-skip20-dep9-seed1"])
        let metrics = (try? String(contentsOfFile: out + "/runs/triplet-skip20-dep9-seed1/metrics.csv", encoding: .utf8)) ?? ""
        #expect(metrics.split(separator: "\n").count == 3, "--epochs 1 did not override the file's 5")

        let bad = try WorkbenchBinary.run(["sweep", "--config", out + "/missing.json"])
        #expect(bad.status == 1 && bad.standardError == "workbench: error: \(out)/missing.json: no such experiment file\n")
    }
}

@Suite struct CollapseTests {
    @Test func byolWithoutPredictorAndMomentumPinnedAtZeroCollapsesAndIsFlagged() throws {
        let out = makeTemporaryFolder("collapse")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let common = ["--data", "synthetic", "--train-size", "2048", "--batch", "128", "--epochs", "2", "--quiet"]
        let collapsing = try WorkbenchBinary.run(["train", "--method", "byol", "--no-predictor", "--target-momentum", "0",
                                                  "--fixed-momentum", "--lr", "2", "--out", out + "/collapse"] + common)
        let healthy = try WorkbenchBinary.run(["train", "--method", "byol", "--out", out + "/healthy"] + common)
        #expect(collapsing.status == 0 && healthy.status == 0, "\(collapsing.standardError) \(healthy.standardError)")
        func rows(_ run: String) -> [[String: String]] {
            let text = (try? String(contentsOfFile: out + "/\(run)/byol/metrics.csv", encoding: .utf8)) ?? ""
            let table = CSV.parse(text)
            guard let header = table.first else { return [] }
            return table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        }
        let collapsed = rows("collapse"), fine = rows("healthy")
        #expect(collapsed.count == 3 && fine.count == 3)
        #expect(collapsed.dropFirst().allSatisfy { $0["alarm"] == "collapse" }, "\(collapsed)")
        #expect(fine.allSatisfy { $0["alarm"] == "" }, "\(fine)")
        let rank = collapsed.last.flatMap { $0["embedding_rank"] }.flatMap(Double.init) ?? .infinity
        #expect(rank < 4, "embedding rank \(rank)")
        #expect(collapsed.first?["alarm"] == "", "epoch 0 (random initialisation) is not collapsed")
    }
}

@Suite struct ForkCommandTests {
    @Test func forkGoesBesideItsParentAndNamesIt() throws {
        let out = makeTemporaryFolder("fork-cli")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let small = ["--data", "synthetic", "--train-size", "1024", "--batch", "128", "--quiet"]
        let parent = try WorkbenchBinary.run(["compare", "--methods", "byol,triplet", "--epochs", "2", "--out", out] + small)
        #expect(parent.status == 0, "\(parent.standardError)")
        let fork = try WorkbenchBinary.run(["train", "--fork", out + "/triplet-skip1-dep9@2", "--skip", "20", "--epochs", "4", "--quiet"])
        #expect(fork.status == 0, "\(fork.standardError)")
        let folder = out + "/triplet-skip20-dep9-fork-e2"
        let record = (try? String(contentsOfFile: folder + "/run.json", encoding: .utf8)) ?? ""
        #expect(record.contains("\"parent\" : \"triplet-skip1-dep9\"") && record.contains("\"epoch\" : 2"))
        let forkRows = untimedMetrics(folder + "/metrics.csv"), parentRows = untimedMetrics(out + "/triplet-skip1-dep9/metrics.csv")
        #expect(forkRows.count == 6)
        #expect(forkRows.prefix(4).map { $0.dropFirst() } == parentRows.prefix(4).map { $0.dropFirst() }, "epochs 0–2 are the parent's")
        #expect(forkRows.map { $0[2] } == ["epoch", "0", "1", "2", "3", "4"])

        let exported = try WorkbenchBinary.run(["export", out, "--out", out + "/figures", "--format", "svg"])
        #expect(exported.status == 0, "\(exported.standardError)")
        let svg = (try? String(contentsOfFile: out + "/figures/accuracy-knn.svg", encoding: .utf8)) ?? ""
        #expect(svg.contains("triplet-skip20-dep9-fork-e2"))
        // Parent (epoch 2) and fork (epoch 4) are two points of their own, never "2 seeds", and
        // the figure says they are not at one epoch.
        let ablation = (try? String(contentsOfFile: out + "/figures/ablation-skip.svg", encoding: .utf8)) ?? ""
        #expect(ablation.contains("forks from epoch 2") && !ablation.contains("seeds"), "\(ablation.prefix(3000))")
        #expect(ablation.contains("not at one epoch") && ablation.contains("skip 20 dep 9 (fork at 2) at epoch 4"))
        let table = try WorkbenchBinary.run(["export", out, "--out", out + "/tables", "--format", "csv,md"])
        #expect(table.status == 0)
        let summary = CSV.parse((try? String(contentsOfFile: out + "/tables/summary.csv", encoding: .utf8)) ?? "")
        let epoch = summary.first?.firstIndex(of: "epoch") ?? 0
        let triplets = summary.filter { $0.count > epoch && $0[1] == "triplet" }
        #expect(triplets.map { $0[2] } == ["1", "1"] && Set(triplets.map { $0[epoch] }) == ["2", "4"], "\(summary)")
        let markdown = (try? String(contentsOfFile: out + "/tables/summary.md", encoding: .utf8)) ?? ""
        #expect(markdown.contains("Rows are not at one epoch"))

        // A fork must change something; a resume refused for a changed config names the change.
        let same = try WorkbenchBinary.run(["train", "--fork", out + "/triplet-skip1-dep9", "--skip", "1", "--quiet"])
        #expect(same.status == 1 && same.standardError.contains("the parent's own settings"), "\(same.standardError)")
        let longer = try WorkbenchBinary.run(["compare", "--methods", "byol,triplet", "--epochs", "3", "--resume", "--out", out] + small)
        #expect(longer.status == 1 && longer.standardError.contains("(epochs 2 → 3)") && longer.standardError.contains("cannot be lengthened"),
                "\(longer.standardError)")

        let early = try WorkbenchBinary.run(["train", "--fork", out + "/triplet-skip1-dep9@1", "--skip", "5", "--epochs", "4"])
        #expect(early.status == 1 && early.standardError.contains("only epoch 2, the latest, has a checkpoint to fork from"))
        let wrongMethod = try WorkbenchBinary.run(["train", "--fork", out + "/byol", "--skip", "5", "--epochs", "4"])
        #expect(wrongMethod.status == 1 && wrongMethod.standardError.contains("only triplet runs fork"))
        let nothing = try WorkbenchBinary.run(["train", "--fork", out + "/triplet-skip1-dep9", "--skip", "5"])
        #expect(nothing.status == 1 && nothing.standardError.contains("give --epochs above 2"), "\(nothing.standardError)")
    }
}

/// `--probe-every` and `--check-probe` through the binary.
@Suite struct ProbeOptionTests {
    @Test func aSparseProbeLeavesItsEpochsEmptyAndTheCheckCompares() throws {
        let out = makeTemporaryFolder("probe")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try WorkbenchBinary.run(["train", "--method", "supervised", "--data", "synthetic", "--train-size", "1024",
                                              "--batch", "128", "--epochs", "3", "--probe-every", "2", "--check-probe", "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = untimedMetrics(out + "/supervised/metrics.csv")
        let linear = try #require(rows.first?.firstIndex(of: "linear_top1"))
        #expect(rows.dropFirst().map { $0[linear].isEmpty } == [false, true, false, false])
        let check = try String(contentsOfFile: out + "/supervised/probe-check.csv", encoding: .utf8).split(separator: "\n")
        #expect(check.first == "epoch,recorded_linear_top1,from_zero_linear_top1,difference,from_zero_iterations,from_zero_seconds")
        #expect(check.dropFirst().map { $0.split(separator: ",")[0] } == ["0", "2", "3"])
        let run = try String(contentsOfFile: out + "/supervised/run.json", encoding: .utf8)
        #expect(run.contains("preconditioned") && run.contains("\"linear_probe_every\" : 2"))
    }
}

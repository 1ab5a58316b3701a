/// How a representation is scored, written beside every result (run.json, the export's
/// `evaluation.json`, each accuracy figure's caption) so a number never travels without
/// the settings that produced it.
public struct EvaluationProtocol: Sendable, Codable, Equatable {
    public var knnK: Int
    public var knnTemperature: Double
    public var knnMetric: String
    public var memoryBank: String
    public var layer: String
    public var linearProbe: String
    /// The probe is fitted every this many epochs (and at the last); nil: every epoch.
    public var linearProbeEvery: Int?
    public var testSet: String
    /// Which images trained the network (STL-10's self-supervised runs may train on its
    /// unlabeled split, which evaluation never uses), and their shape; absent in older runs.
    public var trainedOn: String?
    public var images: String?

    enum CodingKeys: String, CodingKey {
        case knnK = "knn_k", knnTemperature = "knn_temperature", knnMetric = "knn_metric", memoryBank = "memory_bank"
        case layer, linearProbe = "linear_probe", linearProbeEvery = "linear_probe_every", testSet = "test_set", trainedOn = "trained_on", images
    }

    /// The protocol of the reference workloads, for a representation of `dimension` values.
    public static func reference(dimension: Int) -> EvaluationProtocol {
        EvaluationProtocol(knnK: 200, knnTemperature: 0.1, knnMetric: "cosine, votes weighted by exp(similarity / temperature)",
                           memoryBank: "the whole train split, un-augmented, features recomputed after every epoch",
                           layer: "backbone output (\(dimension)-d), BatchNorm in evaluation mode",
                           linearProbe: LinearProbe().description,
                           testSet: "the whole test split, un-augmented")
    }

    /// One line for figure captions.
    public var caption: String {
        "kNN: k = \(knnK), cosine, exp(sim/\(String(format: "%g", knnTemperature))) votes, train split as memory bank; "
            + "linear: \(probeCaption); \(layer.components(separatedBy: ",").first ?? layer)"
    }

    /// The probe's solver and stopping rule as the caption states them.
    var probeCaption: String {
        var text = "logistic regression on standardised features"
        if let probe = LinearProbe(described: linearProbe) {
            text += probe == .hundredPlainIterations ? " (L-BFGS, 100 iterations)"
                : String(format: " (L-BFGS to max|grad| < %g)", probe.tolerance)
        }
        if let every = linearProbeEvery, every > 1 { text += ", every \(every) epochs" }
        return text
    }
}

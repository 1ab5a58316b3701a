/// Evaluation, clustering diagnostics, learning-efficiency figures and exporters.
/// (Filled in by the analysis issue; the engine only fixes the target's place.)
public enum AnalysisModule {
    /// Version of the analysis definitions, recorded in run files.
    public static let version = 1
}

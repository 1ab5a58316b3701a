/// A run that cannot start or go on, said in one line.
public struct RunError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The program's version, recorded in every run folder.
public enum WorkbenchVersion {
    public static let current = "0.2.0"
}

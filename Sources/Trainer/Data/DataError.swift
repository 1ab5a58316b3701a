/// Something wrong with a data file or folder, said in one line that names it.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or folder concerned.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

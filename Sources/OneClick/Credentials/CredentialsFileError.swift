/// A problem with a credentials file, with the line it is on when there is one.
public struct CredentialsFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String?
    public let line: Int?
    public let reason: String

    public init(path: String? = nil, line: Int?, _ reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    func at(path: String) -> CredentialsFileError {
        CredentialsFileError(path: path, line: line, reason)
    }

    public var description: String {
        switch (path, line) {
        case let (path?, line?): "\(path):\(line): \(reason)"
        case let (path?, nil): "\(path): \(reason)"
        case let (nil, line?): "line \(line): \(reason)"
        case (nil, nil): reason
        }
    }
}

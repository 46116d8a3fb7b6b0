/// A trace file that cannot be read: the line it failed on and what was expected there.
///
/// `description` is `LINE: message`; the command line prefixes the file name, giving the
/// conventional `FILE:LINE: message` that editors jump to.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number; whole-file problems (empty file, unknown format) use 1.
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "\(line): \(message)" }

    /// `FILE:LINE: message`, the one-line form for stderr.
    public func described(file: String) -> String { "\(file):\(line): \(message)" }
}

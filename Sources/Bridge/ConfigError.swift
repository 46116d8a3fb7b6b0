/// A configuration problem, located: the file, the line, the key, and what is allowed instead.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem has no line (an unreadable file).
    public var line: Int
    /// The key's path, e.g. `buttons[1].gpio.bias`; empty for the document itself.
    public var key: String
    public var message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// One line: `FILE:LINE: KEY: MESSAGE`.
    public var description: String {
        var s = file
        if line > 0 { s += ":\(line)" }
        if !key.isEmpty { s += ": \(key)" }
        return s + ": " + message
    }
}

/// A problem in a button's `on:`, located by line and key path; the config loader adds the file.
public struct ActionConfigError: Error, Equatable, CustomStringConvertible {
    /// 1-based.
    public var line: Int
    /// e.g. `buttons[0].on.LONG[1].webhook.url`.
    public var key: String
    public var message: String

    public init(line: Int, key: String, message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String { "\(line): \(key): \(message)" }
}

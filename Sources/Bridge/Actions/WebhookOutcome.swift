/// How a webhook delivery ended, after all its attempts.
public struct WebhookOutcome: Sendable, Equatable {
    public var attempts: Int
    /// The status of the last answer, if any came.
    public var status: Int?
    /// Why the last attempt failed; nil on success.
    public var error: String?
    public var seconds: Double

    public var succeeded: Bool { error == nil }

    public var summary: String {
        let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        if let error { return "\(error) (\(tries))" }
        return "\(status.map(String.init) ?? "") (\(tries))"
    }
}

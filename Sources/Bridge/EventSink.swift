/// Where the publisher delivers device events: the OneClick client in the daemon, anything
/// conforming in tests. Implementations throw `DeliveryError` so the publisher can judge it (`RetryPolicy.outbox`).
public protocol EventSink: Sendable {
    /// Declares a device (and its claim code) before its first press, so it can be claimed.
    func register(deviceId: String, claimCode: String?) async throws
    /// Publishes one event. Returning means the service acknowledged it, as new or as a duplicate
    /// of an earlier delivery of the same event id.
    func publish(_ event: OutboxEvent) async throws
}

/// Why a delivery failed, in the terms the retry rules need.
public enum DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer: refused, reset, timed out, name not resolved.
    case connection(String)
    /// The service answered with an error status.
    case rejected(status: Int, code: String, message: String)

    public var description: String {
        switch self {
        case .connection(let reason): return "cannot reach the service: \(reason)"
        case .rejected(let status, let code, let message): return "\(status) \(code): \(message)"
        }
    }
}

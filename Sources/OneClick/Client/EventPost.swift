import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One attempt to send an event's JSON to a receiver's URL, as webhooks and click callbacks do,
/// with its answer read through a `RetryPolicy`. Retrying is the caller's: it decides what an
/// attempt costs (a webhook's own count, a callback's stored row).
public enum EventPost {
    /// The event's id, on every attempt: a retry after a timeout may deliver twice, and this lets
    /// a receiver drop the repeat.
    public static let eventIdHeader = "X-ClickBridge-Event-Id"

    public struct Attempt: Sendable, Equatable {
        public var verdict: RetryVerdict
        /// The answer's status; nil when none came.
        public var status: Int?
        /// Why it failed; nil on success.
        public var error: String?
        /// Cancellation cut the attempt short, so it says nothing about the receiver.
        public var interrupted: Bool

        public init(verdict: RetryVerdict, status: Int? = nil, error: String? = nil, interrupted: Bool = false) {
            self.verdict = verdict
            self.status = status
            self.error = error
            self.interrupted = interrupted
        }
    }

    /// Sends `body` as JSON with ClickBridge's headers, then `headers` (which may replace the
    /// defaults), the event id and `signature` when given.
    public static func send(
        _ body: [UInt8], eventId: String, to url: String, method: HTTPMethod = .POST,
        headers: [(name: String, value: String)] = [], signature: (name: String, value: String)? = nil,
        timeout: TimeAmount, client: HTTPClient, policy: RetryPolicy
    ) async -> Attempt {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ClickBridge")
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        request.headers.add(name: eventIdHeader, value: eventId)
        if let signature { request.headers.add(name: signature.name, value: signature.value) }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: timeout)
            // Read (and bound) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            let verdict = policy.verdict(status: code)
            return Attempt(verdict: verdict, status: code,
                           error: verdict == .success ? nil : "HTTP \(code) \(response.status.reasonPhrase)")
        } catch {
            if Task.isCancelled || error is CancellationError {
                return Attempt(verdict: .giveUp, error: "cancelled", interrupted: true)
            }
            return failure(error, policy: policy)
        }
    }

    /// A failure without an answer. A URL the client cannot use is final; anything else is a
    /// connection failure.
    static func failure(_ error: any Error, policy: RetryPolicy) -> Attempt {
        if let e = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(e) {
                return Attempt(verdict: policy.connectionFailureVerdict, error: "timed out")
            }
            // (Webhook and callback URLs are checked when configured; this is a backstop.)
            if [.invalidURL, .emptyHost, .emptyScheme].contains(e) {
                return Attempt(verdict: .giveUp, error: "unusable URL: \(e)")
            }
            return Attempt(verdict: policy.connectionFailureVerdict, error: "\(e)")
        }
        return Attempt(verdict: policy.connectionFailureVerdict, error: "cannot connect: \(error)")
    }
}

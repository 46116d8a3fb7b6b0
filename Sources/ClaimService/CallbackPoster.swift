import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import OneClick

/// One attempt to POST a callback, classified as the outbox classifies answers.
enum CallbackVerdict: Sendable, Equatable {
    case delivered(status: Int)
    /// Connection error, timeout, 5xx or 429: worth trying again.
    case retry(status: Int?, error: String)
    /// Any other answer (3xx, 4xx) or an unusable URL: repeating the same request cannot help.
    case reject(status: Int?, error: String)
    /// Shutdown interrupted the attempt: it does not count.
    case interrupted
}

/// POSTs callback payloads. The HTTP client is made at the first callback, so a service whose
/// devices have none never starts one, and is shut down with the deliverer.
///
/// Before each attempt the URL's host is checked (`CallbackTargetCheck`): a non-public address is
/// refused, a name is resolved and every address it has must be public, and the request then
/// goes to the checked address through a client pinned to it.
final class CallbackPoster: Sendable {
    static let eventIdHeader = "X-ClickBridge-Event-Id"
    private let client: LazyHTTPClient
    private let pinned: PinnedClients
    private let target: CallbackTargetCheck
    private let timeout: Double

    init(timeout: Double, target: CallbackTargetCheck) {
        self.timeout = timeout
        self.target = target
        client = LazyHTTPClient(connectTimeout: .milliseconds(Int64(timeout * 1000)))
        pinned = PinnedClients(connectTimeout: .milliseconds(Int64(timeout * 1000)))
    }

    func post(_ delivery: CallbackDelivery) async -> CallbackVerdict {
        switch await target.check(delivery.url) {
        case .refused(let why):
            return .reject(status: nil, error: why)
        case .unresolved(let why):
            if Task.isCancelled { return .interrupted }
            return .retry(status: nil, error: why)
        case .direct:
            return await post(delivery, with: client)
        case .pinned(let host, let address):
            return await pinned.with(host: host, address: address) { await post(delivery, with: $0) }
        }
    }

    private func post(_ delivery: CallbackDelivery, with client: LazyHTTPClient) async -> CallbackVerdict {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ClickBridge")
        // A retry after a timeout may deliver twice: the event id lets a receiver drop the repeat.
        request.headers.add(name: Self.eventIdHeader, value: delivery.eventId)
        request.body = .bytes(delivery.body)
        do {
            let response = try await client.http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            // Read (and bound) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .delivered(status: code) }
            let error = "HTTP \(code) \(response.status.reasonPhrase)"
            return code >= 500 || code == 429 ? .retry(status: code, error: error) : .reject(status: code, error: error)
        } catch {
            if Task.isCancelled { return .interrupted }
            return Self.classify(error)
        }
    }

    static func classify(_ error: any Error) -> CallbackVerdict {
        if let e = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(e) {
                return .retry(status: nil, error: "timed out")
            }
            // (setOnClickCallback accepts only http and https URLs with a host; this is a backstop.)
            if [.invalidURL, .emptyHost, .emptyScheme].contains(e) {
                return .reject(status: nil, error: "unusable callback URL: \(e)")
            }
            return .retry(status: nil, error: "\(e)")
        }
        return .retry(status: nil, error: "cannot connect: \(error)")
    }

    func shutdown() async {
        await client.shutdown()
        await pinned.shutdown()
    }
}

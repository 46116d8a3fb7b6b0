import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import OneClick
import QuietRuntime

/// Sends webhook actions: the event JSON as the body, with the configured headers, the
/// event id and the optional signature.
///
/// Retries (at most `WebhookAction.retries` times after the first attempt) follow connection
/// errors, timeouts, 429 and 5xx, with jittered exponential backoff (0.5 s doubling, capped at
/// 30 s, each delay drawn from the upper half). Any 2xx ends it; any other answer (3xx, 4xx) is
/// final, since repeating the same request cannot change it. A retry after a timeout may deliver
/// twice; `X-ClickBridge-Event-Id` lets a receiver drop the repeat.
public final class WebhookSender: Sendable {
    /// Made at the first webhook, so a daemon without webhooks never starts one.
    private let client = LazyHTTPClient()
    private let logger: Logger
    private let firstDelay: Double

    /// `firstDelay` is the nominal delay before the first retry (tests shorten it).
    public init(logger: Logger = Logger(label: "clickbridge.actions"), firstDelay: Double = 0.5) {
        self.logger = logger
        self.firstDelay = firstDelay
    }

    public func shutdown() async { await client.shutdown() }

    private var httpClient: HTTPClient { client.http }

    public func send(_ hook: WebhookAction, event: ActionEvent) async -> WebhookOutcome {
        let body = event.payload
        let started = ContinuousClock.now
        var attempt = 0
        var lastStatus: Int?
        var lastError = ""
        while true {
            attempt += 1
            let retryable: Bool
            do {
                let response = try await httpClient.execute(request(hook, body: body, event: event),
                                                        timeout: .nanoseconds(hook.timeout.nanoseconds))
                lastStatus = Int(response.status.code)
                // Read (and bound) the answer so the connection can be reused.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    return WebhookOutcome(attempts: attempt, status: lastStatus, error: nil, seconds: elapsed(since: started))
                }
                lastError = "HTTP \(response.status.code) \(response.status.reasonPhrase)"
                retryable = response.status.code >= 500 || response.status.code == 429
            } catch {
                lastStatus = nil
                lastError = Self.describe(error)
                retryable = !(error is CancellationError)
            }
            guard retryable, attempt <= hook.retries, !Task.isCancelled else { break }
            let delay = Self.retryDelay(attempt: attempt, first: firstDelay)
            logger.info("webhook \(hook.method) \(hook.redactedURL) for \(event.eventId): \(lastError); retry \(attempt) of \(hook.retries) in \(String(format: "%.1f", delay)) s")
            do { try await QuietSleep.sleep(for: .seconds(delay)) } catch { break }
        }
        return WebhookOutcome(attempts: attempt, status: lastStatus, error: lastError, seconds: elapsed(since: started))
    }

    private func request(_ hook: WebhookAction, body: [UInt8], event: ActionEvent) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: hook.url)
        request.method = HTTPMethod(rawValue: hook.method)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ClickBridge")
        for header in hook.headers {
            request.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        request.headers.add(name: WebhookAction.eventIdHeader, value: event.eventId)
        if let secret = hook.secret {
            request.headers.add(name: WebhookAction.signatureHeader, value: WebhookSignature.header(body: body, secret: secret))
        }
        request.body = .bytes(body)
        return request
    }

    /// Nominal `first * 2^(attempt-1)` capped at 30 s, drawn from its upper half so receivers that
    /// came back are not hit by every bridge at once.
    static func retryDelay(attempt: Int, first: Double) -> Double {
        let nominal = min(30, first * Double(1 << min(max(attempt - 1, 0), 16)))
        return Double.random(in: (nominal / 2)...nominal)
    }

    private func elapsed(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: return "\(e)"
            }
        }
        return "cannot connect: \(error)"
    }
}

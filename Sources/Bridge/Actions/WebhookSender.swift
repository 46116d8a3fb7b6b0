import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import OneClick
import QuietRuntime

/// Sends webhook actions: the event JSON as the body, with the configured headers, the
/// event id and the optional signature.
///
/// Retries (at most `WebhookAction.retries` times after the first attempt) follow
/// `RetryPolicy.webhooks`: connection errors, timeouts, 429 and 5xx, 0.5 s doubling to 30 s.
/// Any 2xx ends it; any other answer (3xx, 4xx) is final, since repeating the same request cannot
/// change it. A retry after a timeout may deliver twice; `X-ClickBridge-Event-Id` lets a receiver
/// drop the repeat.
public final class WebhookSender: Sendable {
    /// Made at the first webhook, so a daemon without webhooks never starts one.
    private let client = LazyHTTPClient()
    private let logger: Logger
    private let policy: RetryPolicy

    /// `policy` gives the statuses and backoff; each hook's `retries` sets its attempts.
    public init(logger: Logger = Logger(label: "clickbridge.actions"), policy: RetryPolicy = .webhooks) {
        self.logger = logger
        self.policy = policy
    }

    public func shutdown() async { await client.shutdown() }

    public func send(_ hook: WebhookAction, event: ActionEvent) async -> WebhookOutcome {
        let policy = self.policy.with(maxAttempts: hook.retries + 1)
        let body = event.payload
        let signature = hook.secret.map { (name: WebhookAction.signatureHeader, value: WebhookSignature.header(body: body, secret: $0)) }
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            let outcome = await EventPost.send(body, eventId: event.eventId, to: hook.url, method: HTTPMethod(rawValue: hook.method),
                                               headers: hook.headers.map { ($0.name, $0.value) }, signature: signature,
                                               timeout: .nanoseconds(hook.timeout.nanoseconds), client: client.http, policy: policy)
            if outcome.verdict == .success {
                return WebhookOutcome(attempts: attempt, status: outcome.status, error: nil, seconds: elapsed(since: started))
            }
            guard outcome.verdict == .retry, policy.allowsAttempt(after: attempt), !Task.isCancelled else {
                return WebhookOutcome(attempts: attempt, status: outcome.status, error: outcome.error, seconds: elapsed(since: started))
            }
            let delay = policy.delay(afterAttempt: attempt)
            logger.info("webhook \(hook.method) \(hook.redactedURL) for \(event.eventId): \(outcome.error ?? ""); retry \(attempt) of \(hook.retries) in \(String(format: "%.1f", delay)) s")
            do { try await QuietSleep.sleep(for: .seconds(delay)) } catch {
                return WebhookOutcome(attempts: attempt, status: outcome.status, error: outcome.error, seconds: elapsed(since: started))
            }
        }
    }

    private func elapsed(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

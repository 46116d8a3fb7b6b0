import Logging
import OneClick
import QuietRuntime

/// Registers every configured device with its claim code, so each can be claimed before its
/// first press. While the endpoint is down it retries in the background with backoff; a final
/// refusal (a non-retryable 4xx) is logged loudly and not retried.
public struct Registrar: Sendable {
    public enum Outcome: Sendable, Equatable {
        case registered(deviceId: String)
        case willRetry(deviceId: String, DeliveryError, afterSeconds: Double)
        case refused(deviceId: String, DeliveryError)
    }

    let sink: any EventSink
    let policy: RetryPolicy
    let logger: Logger

    public init(sink: any EventSink, policy: RetryPolicy = .outbox, logger: Logger = Logger(label: "clickbridge.registrar")) {
        self.sink = sink
        self.policy = policy
        self.logger = logger
    }

    /// Registers all devices concurrently; returns when each is registered or refused, or on cancellation.
    public func registerAll(_ devices: [(deviceId: String, claimCode: String?)],
                            report: @escaping @Sendable (Outcome) -> Void = { _ in }) async {
        await withTaskGroup(of: Void.self) { group in
            for device in devices {
                group.addTask { await register(deviceId: device.deviceId, claimCode: device.claimCode, report: report) }
            }
        }
    }

    func register(deviceId: String, claimCode: String?, report: @Sendable (Outcome) -> Void) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await sink.register(deviceId: deviceId, claimCode: claimCode)
                report(.registered(deviceId: deviceId))
                return
            } catch {
                if Task.isCancelled { return }
                let failure = Publisher.classify(error)
                if policy.verdict(for: failure) == .giveUp {
                    logger.error("the service refused to register \(deviceId): \(failure). Fix the configuration and restart; its presses are still queued and sent.")
                    report(.refused(deviceId: deviceId, failure))
                    return
                }
                attempt += 1
                let delay = policy.delay(afterAttempt: attempt)
                logger.warning("cannot register \(deviceId) yet (\(failure)); retrying in \(Int(delay.rounded(.up))) s")
                report(.willRetry(deviceId: deviceId, failure, afterSeconds: delay))
                try? await QuietSleep.sleep(for: .milliseconds(Int64(delay * 1000)))
            }
        }
    }
}

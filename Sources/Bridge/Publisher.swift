import Foundation
import Logging
import OneClick
import QuietRuntime

/// Delivers the outbox to an `EventSink`: in order per device, each event removed only once
/// acknowledged, failures retried or dead-lettered as its `RetryPolicy` (`.outbox`) says.
///
/// Idle, it waits on a `WakeSignal` with no timer; a backoff timer exists only while some device
/// has a failed event waiting for its retry.
public final class Publisher: Sendable {
    /// What happened to one event, for live output (`demo`, `run`) and tests.
    public enum Report: Sendable, Equatable {
        case delivered(OutboxEvent)
        case willRetry(OutboxEvent, DeliveryError, afterSeconds: Double)
        case deadLettered(OutboxEvent, DeliveryError)
    }

    private let outbox: Outbox
    private let sink: any EventSink
    private let policy: RetryPolicy
    private let logger: Logger
    private let report: @Sendable (Report) -> Void
    private let signal = WakeSignal()

    public init(outbox: Outbox, sink: any EventSink, policy: RetryPolicy = .outbox, logger: Logger = Logger(label: "clickbridge.publisher"),
                report: @escaping @Sendable (Report) -> Void = { _ in }) {
        self.outbox = outbox
        self.sink = sink
        self.policy = policy
        self.logger = logger
        self.report = report
    }

    /// Something was queued: deliver it soon. Safe from any thread.
    public func wake() { signal.signal() }

    /// Delivers until cancelled. Starts with whatever an earlier run left in the outbox.
    public func run() async {
        var retries: [String: Retry] = [:]
        while !Task.isCancelled {
            let next = await deliverReady(&retries)
            if Task.isCancelled { break }
            await signal.wait(until: next)
        }
    }

    /// A device whose head event failed: when it may be tried again, and how many times it failed.
    struct Retry {
        var at: ContinuousClock.Instant
        var attempt: Int
        var delay: Double
    }

    /// One pass over every device with waiting events. Returns the earliest pending retry, nil if none.
    func deliverReady(_ retries: inout [String: Retry]) async -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        func note(_ at: ContinuousClock.Instant) { earliest = min(earliest ?? at, at) }
        let devices: [String]
        do {
            devices = try outbox.pendingDevices()
        } catch {
            logger.error("cannot read the outbox at \(outbox.path): \(error); retrying")
            let at = ContinuousClock.now + .seconds(policy.backoff.cap)
            return at
        }
        retries = retries.filter { devices.contains($0.key) }
        for device in devices {
            if let r = retries[device], r.at > .now { note(r.at); continue }
            if let at = await drain(device: device, retries: &retries) { note(at) }
            if Task.isCancelled { return nil }
        }
        return earliest
    }

    /// Sends the device's events, oldest first, until it is empty or one must wait for a retry.
    private func drain(device: String, retries: inout [String: Retry]) async -> ContinuousClock.Instant? {
        while !Task.isCancelled {
            let head: OutboxEvent
            do {
                guard let h = try outbox.head(of: device) else { retries[device] = nil; return nil }
                head = h
            } catch {
                logger.error("cannot read the outbox at \(outbox.path): \(error); retrying")
                return schedule(device: device, retries: &retries)
            }
            do {
                try await sink.publish(head)
                try outbox.acknowledge(eventId: head.eventId)
                retries[device] = nil
                report(.delivered(head))
            } catch {
                let failure = Publisher.classify(error)
                switch policy.verdict(for: failure) {
                case .retry, .success:  // (a failure is never judged a success)
                    if Task.isCancelled { return nil }  // shutdown interrupted the request: not a failure
                    let at = schedule(device: device, retries: &retries)
                    try? outbox.recordFailure(eventId: head.eventId, reason: failure.description)
                    let delay = retries[device]?.delay ?? 0
                    logger.warning("event \(head.eventId) of \(device) not delivered (\(failure)); retrying in \(String(format: "%.1f", delay)) s")
                    report(.willRetry(head, failure, afterSeconds: delay))
                    return at
                case .giveUp:
                    guard case .rejected(let status, let code, let message) = failure else { continue }
                    do {
                        try outbox.deadLetter(eventId: head.eventId, status: status, code: code, message: message)
                    } catch {
                        logger.error("cannot move event \(head.eventId) to the dead letters: \(error); retrying")
                        return schedule(device: device, retries: &retries)
                    }
                    logger.error("DEAD LETTER: the service refused event \(head.eventId) (\(head.clickType.rawValue) of \(device)) for good: \(failure). It is kept in the outbox's dead letters; `clickbridge status` shows them.")
                    report(.deadLettered(head, failure))
                }
            }
        }
        return nil
    }

    private func schedule(device: String, retries: inout [String: Retry]) -> ContinuousClock.Instant {
        let attempt = (retries[device]?.attempt ?? 0) + 1
        let delay = policy.delay(afterAttempt: attempt)
        let at = ContinuousClock.now + .milliseconds(Int64(delay * 1000))
        retries[device] = Retry(at: at, attempt: attempt, delay: delay)
        return at
    }

    /// Errors that are not `DeliveryError` are treated as connection errors: retried, never dropped.
    static func classify(_ error: Error) -> DeliveryError {
        (error as? DeliveryError) ?? .connection(String(describing: error))
    }
}

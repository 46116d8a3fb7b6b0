import Foundation
import Logging
import OneClick
import QuietRuntime
import Synchronization

/// Delivers click callbacks in the background: up to `policy.concurrency` devices at once, each
/// device's events one at a time in the order they were stored. Ingest only queues a row and
/// calls `wake()`; the acknowledgement never waits for a callback.
///
/// Idle, it waits on a `WakeSignal` with no timer; a timer exists only while some device
/// waits for a retry. Rows left pending by an earlier run are delivered when `run()` starts.
final class CallbackDeliverer: Sendable {
    private struct Scheduling {
        var inFlight: Set<String> = []
        /// Devices whose head delivery failed and must wait: when they may be tried again.
        var retryAt: [String: ContinuousClock.Instant] = [:]
    }

    let store: any ClaimStore
    let policy: CallbackPolicy
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let poster: CallbackPoster
    private let signal = WakeSignal()
    private let scheduling = Mutex(Scheduling())
    private let observers = Mutex<[UUID: AsyncStream<CallbackReport>.Continuation]>([:])
    private let metrics: ClaimServiceMetrics?

    init(store: any ClaimStore, policy: CallbackPolicy, target: CallbackTargetCheck, logger: Logger,
         now: @escaping @Sendable () -> Int64, metrics: ClaimServiceMetrics? = nil) {
        self.store = store
        self.metrics = metrics
        self.policy = policy
        self.logger = logger
        self.now = now
        self.poster = CallbackPoster(policy: policy, target: target)
    }

    /// A delivery was queued. Safe from any task.
    func wake() { signal.signal() }

    /// Delivers until cancelled; an attempt cut short by cancellation stays pending for the next run.
    func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let next = await startReady(in: &group)
                if Task.isCancelled { break }
                await signal.wait(until: next)
            }
        }
        await poster.shutdown()
        // Finished outside the lock: finishing calls each stream's onTermination, which takes it.
        let continuations = observers.withLock { o -> [AsyncStream<CallbackReport>.Continuation] in
            defer { o = [:] }
            return Array(o.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Every report from now on (tests and diagnostics).
    func reports() -> AsyncStream<CallbackReport> {
        let (stream, continuation) = AsyncStream<CallbackReport>.makeStream()
        let id = UUID()
        observers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in _ = self?.observers.withLock { $0.removeValue(forKey: id) } }
        return stream
    }

    /// Starts a worker for each device that has pending deliveries, is not being served and is not
    /// waiting for a retry, up to the concurrency limit. Returns the earliest retry time, if any.
    private func startReady(in group: inout DiscardingTaskGroup) async -> ContinuousClock.Instant? {
        let devices: [String]
        do {
            devices = try await store.devicesWithPendingCallbacks()
        } catch {
            if Task.isCancelled { return nil }  // shutdown, not a failure
            logger.error("cannot read the callback deliveries: \(error.message); trying again in \(Int(policy.retry.backoff.cap)) s")
            return .now + .seconds(policy.retry.backoff.cap)
        }
        let pending = Set(devices)
        let clock = ContinuousClock.now
        let limit = policy.concurrency
        let (start, earliest) = scheduling.withLock { s -> ([String], ContinuousClock.Instant?) in
            s.retryAt = s.retryAt.filter { pending.contains($0.key) }
            var start: [String] = []
            var earliest: ContinuousClock.Instant?
            for device in devices where !s.inFlight.contains(device) {
                if let at = s.retryAt[device], at > clock {
                    earliest = min(earliest ?? at, at)
                    continue
                }
                // A full house: a worker that finishes signals, and the rest start then.
                guard s.inFlight.count < limit else { break }
                s.retryAt[device] = nil
                s.inFlight.insert(device)
                start.append(device)
            }
            return (start, earliest)
        }
        for device in start {
            group.addTask { await self.drain(device: device) }
        }
        return earliest
    }

    /// Delivers the device's pending callbacks, oldest first, until none is left or one must wait.
    private func drain(device: String) async {
        defer {
            scheduling.withLock { _ = $0.inFlight.remove(device) }
            signal.signal()
        }
        while !Task.isCancelled {
            let head: CallbackDelivery
            do {
                switch try await store.leaseNextCallback(deviceId: device, now: now(), leaseFor: leaseDuration) {
                case .none:
                    return
                case .leased(let next):
                    head = next
                case .heldElsewhere(let until):
                    // Another instance is delivering it; look again when its lease ends, in case it died.
                    let at = ContinuousClock.now + .microseconds(max(0, until - now()))
                    scheduling.withLock { $0.retryAt[device] = at }
                    return
                }
            } catch {
                if Task.isCancelled { return }
                logger.error("cannot read the callback deliveries of \(device): \(error.message); retrying")
                scheduleRetry(device, afterAttempt: policy.retry.maxAttempts)
                return
            }
            let attempt = await poster.post(head)
            let attempts = head.attempts + 1
            guard case let (state, status, failure, report)? = outcome(of: attempt, head.eventId, attempts: attempts) else { return }
            guard await record(head, state: state, attempts: attempts, status: status, error: failure) else {
                scheduleRetry(device, afterAttempt: attempts)
                return
            }
            switch state {
            case .delivered:
                break
            case .pending:
                let delay = scheduleRetry(device, afterAttempt: attempts)
                logger.warning("callback of event \(head.eventId) (\(device)) to \(Self.redacted(head.url)) failed: \(failure ?? ""); attempt \(attempts) of \(policy.retry.maxAttempts), next in \(String(format: "%.1f", delay)) s")
                publish(report)
                return
            case .dead:
                logger.error("DEAD CALLBACK: event \(head.eventId) of \(device) was not delivered to \(Self.redacted(head.url)) after \(attempts) attempt(s): \(failure ?? ""). Its record (state dead) stays in the callback_delivery table; later events are still delivered.")
            }
            publish(report)
        }
    }

    /// How long a delivery is this instance's once leased (µs): an attempt's timeout twice over
    /// (resolving the host, then the request) and 5 s to record it.
    private var leaseDuration: Int64 { Int64((policy.timeout * 2 + 5) * 1_000_000) }

    /// The state an attempt leaves the delivery in; nil when shutdown interrupted it (not counted).
    private func outcome(
        of attempt: EventPost.Attempt, _ eventId: String, attempts: Int
    ) -> (CallbackDelivery.State, Int?, String?, CallbackReport)? {
        if attempt.interrupted { return nil }
        let error = attempt.error ?? ""
        switch attempt.verdict {
        case .success:
            return (.delivered, attempt.status, nil, .delivered(eventId: eventId, attempts: attempts, status: attempt.status ?? 200))
        case .retry where policy.retry.allowsAttempt(after: attempts):
            return (.pending, attempt.status, error, .willRetry(eventId: eventId, attempts: attempts, error: error))
        case .retry, .giveUp:
            return (.dead, attempt.status, error, .dead(eventId: eventId, attempts: attempts, error: error))
        }
    }

    /// Writes an attempt's outcome. The write runs in its own task so that shutdown cannot cut
    /// off the record of an answer that came.
    private func record(_ head: CallbackDelivery, state: CallbackDelivery.State, attempts: Int, status: Int?, error: String?) async -> Bool {
        let store = self.store
        let settled = now()
        let write = Task {
            try await store.recordCallbackAttempt(deviceId: head.deviceId, eventId: head.eventId, state: state, attempts: attempts,
                                                  status: status, error: error, now: settled)
        }
        do {
            try await write.value
            return true
        } catch {
            logger.error("cannot record the callback of event \(head.eventId): \(error); it stays pending")
            return false
        }
    }

    @discardableResult
    private func scheduleRetry(_ device: String, afterAttempt attempt: Int) -> Double {
        let delay = policy.retry.delay(afterAttempt: attempt)
        let at = ContinuousClock.now + .milliseconds(Int64(delay * 1000))
        scheduling.withLock { $0.retryAt[device] = at }
        return delay
    }

    /// Counts an attempt's outcome and tells the observers; called once per recorded attempt.
    private func publish(_ report: CallbackReport) {
        metrics?.callback(report)
        let continuations = observers.withLock { Array($0.values) }
        for continuation in continuations { continuation.yield(report) }
    }

    /// The URL without its query, which may carry a secret.
    static func redacted(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}

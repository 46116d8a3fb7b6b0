import Logging
import Presses

/// Turns each decided press into a device event committed to the outbox, then wakes the
/// publisher. In `run` it runs on the `OutboxWriter`'s thread, off the button loop: the commit is
/// the one thing that must happen before anything is sent.
public final class PressRecorder: Sendable {
    private let outbox: Outbox
    private let logger: Logger
    private let onQueued: @Sendable (OutboxEvent) -> Void

    public init(outbox: Outbox, logger: Logger = Logger(label: "clickbridge.presses"),
                onQueued: @escaping @Sendable (OutboxEvent) -> Void) {
        self.outbox = outbox
        self.logger = logger
        self.onQueued = onQueued
    }

    /// Commits the press as an event of `deviceId`; `decidedAt` must be on CLOCK_MONOTONIC, as
    /// live sources' edges are.
    @discardableResult
    public func record(_ press: Press, deviceId: String, monotonicNow: Timestamp = Clocks.monotonicNow(),
                       realtimeNow: Int64 = Clocks.realtimeNow()) -> OutboxEvent? {
        let reported = ReportedTime.derive(decidedAt: press.decidedAt, monotonicNow: monotonicNow, realtimeNow: realtimeNow)
        let event: OutboxEvent
        do {
            event = try outbox.enqueue(deviceId: deviceId, button: press.button, clickType: press.clickType, reportedTime: reported)
        } catch {
            logger.critical("LOST PRESS: \(press.clickType.rawValue) of \(deviceId) at \(reported) could not be committed to \(outbox.path): \(error)")
            return nil
        }
        warnIfBacklogged()
        onQueued(event)
        return event
    }

    /// Loud at the threshold and at every further thousand; events are never dropped.
    private func warnIfBacklogged() {
        guard let count = try? outbox.backlog().count, count >= Outbox.backlogWarningThreshold,
              (count - Outbox.backlogWarningThreshold) % 1000 == 0 else { return }
        logger.warning("OUTBOX BACKLOG: \(count) events wait for the service (warning threshold \(Outbox.backlogWarningThreshold)); nothing is dropped. Check that the endpoint is reachable; `clickbridge status` shows the oldest.")
    }
}

import Foundation
import Lines
import Logging
import OneClick
import Presses
import Synchronization

/// Commits each decided gesture to the outbox with its own event id and `reportedTime`, then
/// hands it on (publisher wake-up, actions). Only SINGLE, DOUBLE and LONG are queued for the
/// 1-Click service; the others are committed for their actions alone. In `run` it runs on the `OutboxWriter`'s thread, off the button loop: the commit is
/// the one thing that must happen before anything is sent.
///
/// A commit that fails (a full disk, most often) loses nothing: the press waits in memory, in
/// order, with the `reportedTime` of its decision, and `retryWaiting` commits it once the disk
/// takes it. Only past `memoryBound` waiting presses are the newest dropped, each with a critical
/// log line. `status` learns of the wait through `note`.
public final class PressRecorder: Sendable {
    /// Presses kept in memory while the outbox cannot take them.
    public static let memoryBound = 100_000

    private let outbox: Outbox
    private let logger: Logger
    private let note: OutboxNote?
    /// Called after each commit with the press and what it became; it wakes the publisher when
    /// the gesture was queued for the service, and queues the actions.
    private let onQueued: @Sendable (Press, CommittedGesture) -> Void
    private let waiting = Mutex(Waiting())

    struct Waiting {
        var presses: [(press: Press, deviceId: String, reportedTime: String)] = []
        var since: String?
        var reason = ""
    }

    public init(outbox: Outbox, logger: Logger = Logger(label: "clickbridge.presses"), note: OutboxNote? = nil,
                onQueued: @escaping @Sendable (Press, CommittedGesture) -> Void) {
        self.outbox = outbox
        self.logger = logger
        self.note = note
        self.onQueued = onQueued
    }

    /// Commits the press as a gesture of `deviceId`; `decidedAt` must be on CLOCK_MONOTONIC, as
    /// live sources' edges are. Nil when it could not be committed now and waits in memory.
    @discardableResult
    public func record(_ press: Press, deviceId: String, monotonicNow: Timestamp = MonotonicClock.now(),
                       realtimeNow: WireTimestamp = WireTimestamp.now()) -> CommittedGesture? {
        let reported = ReportedTime.derive(decidedAt: press.decidedAt, monotonicNow: monotonicNow, realtimeNow: realtimeNow)
        // Presses keep their order: while earlier ones wait, this one waits behind them.
        guard retryWaiting() else {
            park(press, deviceId: deviceId, reportedTime: reported, error: nil)
            return nil
        }
        do {
            let committed = try outbox.commit(deviceId: deviceId, button: press.button, gesture: press.gesture, reportedTime: reported)
            if committed.queued != nil { warnIfBacklogged() }
            onQueued(press, committed)
            return committed
        } catch {
            park(press, deviceId: deviceId, reportedTime: reported, error: error)
            return nil
        }
    }

    /// How many presses wait in memory for the outbox.
    public var waitingCount: Int { waiting.withLock { $0.presses.count } }

    /// Commits the waiting presses, oldest first, until one fails. True when none wait.
    @discardableResult
    public func retryWaiting() -> Bool {
        var committed: [(Press, CommittedGesture)] = []
        let (empty, total) = waiting.withLock { w -> (Bool, Int) in
            guard !w.presses.isEmpty else { return (true, 0) }
            let total = w.presses.count
            while let first = w.presses.first {
                guard let event = try? outbox.commit(deviceId: first.deviceId, button: first.press.button,
                                                     gesture: first.press.gesture, reportedTime: first.reportedTime) else { break }
                committed.append((first.press, event))
                w.presses.removeFirst()
            }
            if w.presses.isEmpty { w.since = nil }
            return (w.presses.isEmpty, total)
        }
        guard total > 0 else { return true }
        if empty {
            logger.notice("the outbox takes presses again: committed the \(committed.count) that waited in memory")
            note?.set(nil)
        } else if !committed.isEmpty {
            note?.set(noteText())
        }
        for (press, event) in committed { onQueued(press, event) }
        if !committed.isEmpty { warnIfBacklogged() }
        return empty
    }

    private func park(_ press: Press, deviceId: String, reportedTime: String, error: (any Error)?) {
        let (first, dropped) = waiting.withLock { w -> (Bool, Bool) in
            guard w.presses.count < Self.memoryBound else { return (false, true) }
            let first = w.presses.isEmpty
            if first {
                w.since = reportedTime
                w.reason = error.map(Self.describe) ?? "the outbox cannot take presses"
            }
            w.presses.append((press, deviceId, reportedTime))
            return (first, false)
        }
        if dropped {
            logger.critical("LOST PRESS: \(press.gesture) of \(deviceId) at \(reportedTime): \(Self.memoryBound) presses already wait in memory for the outbox \(outbox.path); free disk space")
            return
        }
        if first {
            // Once, not per press: every later press waits behind this one.
            logger.critical("cannot commit presses to \(outbox.path): \(error.map(Self.describe) ?? "it failed"). They wait in memory (up to \(Self.memoryBound)) and are committed, in order, once it takes them; free disk space.")
        }
        note?.set(noteText())
    }

    private func noteText() -> String {
        waiting.withLock { w in
            "\(w.reason): \(w.presses.count) press\(w.presses.count == 1 ? "" : "es") waiting in memory since \(w.since ?? "?")"
        }
    }

    /// "disk full" for SQLite's SQLITE_FULL, else the error itself.
    static func describe(_ error: any Error) -> String {
        "\(error)".contains("database or disk is full") ? "disk full" : "cannot write the outbox (\(error))"
    }

    /// Loud at the threshold and at every further thousand; events are never dropped.
    private func warnIfBacklogged() {
        guard let count = try? outbox.backlog().count, count >= Outbox.backlogWarningThreshold,
              (count - Outbox.backlogWarningThreshold) % 1000 == 0 else { return }
        logger.warning("OUTBOX BACKLOG: \(count) events wait for the service (warning threshold \(Outbox.backlogWarningThreshold)); nothing is dropped. Check that the endpoint is reachable; `clickbridge status` shows the oldest.")
    }
}

import Foundation
import Presses

/// Commits decided presses to the outbox on a thread of its own, in the order the loop decided
/// them. The loop only hands a press over, so a slow durable commit (an fsync on an SD card can
/// take tens of milliseconds) never delays the next decision of any button. Press times are not
/// affected either way: `reportedTime` is derived from the decision's own monotonic instant.
///
/// A press is committed before anything about it is sent or run: `PressRecorder`'s `onQueued`
/// (publisher wake-up, actions) runs on this thread after the commit.
final class OutboxWriter: @unchecked Sendable {
    // @unchecked Sendable: all state is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [(press: Press, deviceId: String)] = []
    private var closed = false
    private var started = false
    private var finished = false
    private var finishWaiters: [CheckedContinuation<Void, Never>] = []
    private let commit: @Sendable (Press, String) -> Void

    /// `commit` runs on the writer thread for each press, in submission order.
    init(commit: @escaping @Sendable (Press, String) -> Void) {
        self.commit = commit
    }

    /// Starts the writer thread. Presses submitted before wait for it.
    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        let commit = self.commit
        let thread = Thread { [self] in
            while let batch = next() {
                for item in batch { commit(item.press, item.deviceId) }
            }
            condition.lock()
            finished = true
            let waiters = finishWaiters
            finishWaiters = []
            condition.unlock()
            for w in waiters { w.resume() }
        }
        thread.name = "clickbridge-outbox"
        thread.start()
    }

    /// Hands a press over; returns at once. From the loop's thread.
    func submit(_ press: Press, deviceId: String) {
        condition.lock()
        queue.append((press, deviceId))
        condition.signal()
        condition.unlock()
    }

    /// Commits everything submitted so far, then ends the thread; returns when both are done.
    func finish() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            condition.lock()
            closed = true
            condition.signal()
            if finished || !started {
                condition.unlock()
                c.resume()
            } else {
                finishWaiters.append(c)
                condition.unlock()
            }
        }
    }

    /// Everything queued, waiting while there is nothing; nil once closed and drained.
    private func next() -> [(press: Press, deviceId: String)]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed { condition.wait() }
        if queue.isEmpty { return nil }
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        return batch
    }
}

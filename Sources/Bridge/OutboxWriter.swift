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
    private let retryWaiting: @Sendable () -> Bool

    /// `commit` runs on the writer thread for each press, in submission order. `retryWaiting`
    /// retries the presses a failed commit left waiting and says whether none wait any more; while
    /// some do, it is called again after a backoff (1 s doubling to 30 s), and after each batch.
    init(commit: @escaping @Sendable (Press, String) -> Void, retryWaiting: @escaping @Sendable () -> Bool = { true }) {
        self.commit = commit
        self.retryWaiting = retryWaiting
    }

    /// Starts the writer thread. Presses submitted before wait for it.
    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        let commit = self.commit
        let retryWaiting = self.retryWaiting
        let thread = Thread { [self] in
            // Only while presses wait for a disk that refused them: no timer otherwise.
            var retryIn: Double?
            var backoff = 1.0
            while let batch = next(waitingAtMost: retryIn) {
                for item in batch { commit(item.press, item.deviceId) }
                if retryWaiting() {
                    retryIn = nil
                    backoff = 1
                } else {
                    retryIn = backoff
                    backoff = min(backoff * 2, 30)
                }
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

    /// Everything queued, waiting while there is nothing (at most `seconds`, then an empty batch
    /// so waiting presses are retried); nil once closed and drained.
    private func next(waitingAtMost seconds: Double?) -> [(press: Press, deviceId: String)]? {
        condition.lock()
        defer { condition.unlock() }
        if let seconds {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while queue.isEmpty && !closed { if !condition.wait(until: deadline) { return [] } }
        } else {
            while queue.isEmpty && !closed { condition.wait() }
        }
        if queue.isEmpty { return nil }
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        return batch
    }
}

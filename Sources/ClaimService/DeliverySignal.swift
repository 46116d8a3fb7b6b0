import QuietRuntime
import Synchronization

/// Wakes the callback deliverer: a pending flag and at most one suspended waiter. An idle
/// deliverer sleeps with no timer; a signal sent while it is busy is kept for its next wait.
final class DeliverySignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled, at `deadline`, or on cancellation. Without a deadline no timer exists.
    func wait(until deadline: ContinuousClock.Instant?) async {
        guard let deadline else { return await waitForSignal() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            // QuietSleep: a timer on NIO's loop, not Dispatch's (which would start its 1 Hz monitor).
            group.addTask { try? await QuietSleep.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.pending {
                        s.pending = false
                        return true
                    }
                    // Under the lock, so a cancellation is seen either here or by onCancel.
                    if Task.isCancelled { return true }
                    s.waiter = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
    }
}

import NIOCore
import NIOPosix
import Synchronization

/// `Task.sleep` on one of NIO's event loops: the deadline sits in the loop's timer heap and arms
/// its `epoll_wait` timeout, so nothing else wakes. (`Task.sleep` itself uses Dispatch's global
/// queue, whose worker starts a once-a-second monitor for the life of the process; see
/// `QuietExecutors`.) Cancellation ends the wait at once with `CancellationError`, like `Task.sleep`.
public enum QuietSleep {
    public static func sleep(for duration: Duration) async throws {
        try await sleep(until: ContinuousClock.now + duration)
    }

    public static func sleep(until deadline: ContinuousClock.Instant) async throws {
        let wait = Wait()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard wait.begin(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let left = ContinuousClock.now.duration(to: deadline)
                let (seconds, attoseconds) = left.components
                let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
                let delay: Int64 = nanoseconds.overflow ? .max : max(0, nanoseconds.partialValue &+ attoseconds / 1_000_000_000)
                let scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(delay)) {
                    wait.finish(cancelled: false)
                }
                wait.attach(scheduled)
            }
        } onCancel: {
            wait.finish(cancelled: true)
        }
    }

    /// One sleep: the continuation is resumed exactly once, by the timer or by cancellation,
    /// whichever comes first; cancellation also removes the timer.
    private final class Wait: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Void, any Error>?
            var scheduled: Scheduled<Void>?
            var done = false
        }
        private let state = Mutex(State())

        /// False when the sleep was cancelled before it began.
        func begin(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
            state.withLock { s in
                if s.done { return false }
                s.continuation = continuation
                return true
            }
        }

        func attach(_ scheduled: Scheduled<Void>) {
            let cancelNow = state.withLock { s in
                if s.done { return true }
                s.scheduled = scheduled
                return false
            }
            if cancelNow { scheduled.cancel() }
        }

        func finish(cancelled: Bool) {
            let (continuation, scheduled) = state.withLock { s in
                defer { s.done = true; s.continuation = nil; s.scheduled = nil }
                return s.done ? (nil, nil) : (s.continuation, s.scheduled)
            }
            if cancelled {
                scheduled?.cancel()
                continuation?.resume(throwing: CancellationError())
            } else {
                continuation?.resume()
            }
        }
    }
}

import Foundation
import Lines

/// Runs an `EventLoop` on a thread of its own (it blocks in `epoll_wait`), and lets async code
/// await its end. One thread serves every button.
public final class LoopThread: Sendable {
    public let loop: EventLoop
    private let done: Collector

    public init(_ loop: EventLoop) {
        self.loop = loop
        self.done = Collector()
    }

    /// Starts the loop thread.
    public func start(until end: LoopEnd = .onStop) {
        let loop = self.loop
        let done = self.done
        let thread = Thread {
            let result: Result<Void, LineError>
            do throws(LineError) {
                try loop.run(until: end)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            done.finish(result)
        }
        thread.name = "clickbridge-loop"
        thread.start()
    }

    /// Makes every pending decision, releases the lines, and ends the thread. Any thread.
    public func stop() { loop.stop() }

    /// Returns when the loop has ended (after `stop()`, or when its sources finished).
    public func wait() async throws(LineError) {
        try await done.value().get()
    }

    /// A one-shot result that async code can await, set from the loop's thread.
    private final class Collector: @unchecked Sendable {
        // @unchecked Sendable: all state is guarded by `lock`.
        private let lock = NSLock()
        private var result: Result<Void, LineError>?
        private var waiters: [CheckedContinuation<Result<Void, LineError>, Never>] = []

        func finish(_ r: Result<Void, LineError>) {
            lock.lock()
            result = r
            let w = waiters
            waiters = []
            lock.unlock()
            for c in w { c.resume(returning: r) }
        }

        func value() async -> Result<Void, LineError> {
            await withCheckedContinuation { c in
                lock.lock()
                if let result {
                    lock.unlock()
                    c.resume(returning: result)
                } else {
                    waiters.append(c)
                    lock.unlock()
                }
            }
        }
    }
}

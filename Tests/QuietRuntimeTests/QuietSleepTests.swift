import QuietRuntime
import Testing

@Suite struct QuietSleepTests {
    @Test func returnsNoEarlierThanTheDeadline() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try await QuietSleep.sleep(for: .milliseconds(30))
        #expect(clock.now - start >= .milliseconds(30))
    }

    @Test func aDeadlineInThePastReturnsAtOnce() async throws {
        try await QuietSleep.sleep(until: ContinuousClock.now - .seconds(5))
    }

    @Test func cancellationEndsAnHourLongSleepWithCancellationError() async {
        let sleeper = Task { try await QuietSleep.sleep(for: .seconds(3600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func cancellationBeforeTheSleepBeginsThrowsAtOnce() async {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await QuietSleep.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func manySleepsEachWakeOnce() async throws {
        // Every sleep resumes exactly once (a continuation resumed twice would trap).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                group.addTask { try await QuietSleep.sleep(for: .milliseconds(i % 7)) }
            }
            try await group.waitForAll()
        }
    }
}

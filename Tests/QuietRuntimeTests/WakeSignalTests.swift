import QuietRuntime
import Testing

@Suite struct WakeSignalTests {
    @Test func aSignalSentBeforeTheWaitIsKeptForIt() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()  // two signals before one wait are one wake-up
        await signal.wait(until: nil)
    }

    @Test func aSignalWakesAWaiterWithoutADeadline() async {
        let signal = WakeSignal()
        let waiter = Task { await signal.wait(until: nil) }
        // Whether the waiter is already suspended or not, the signal reaches it.
        signal.signal()
        await waiter.value
    }

    @Test func aPassedDeadlineEndsTheWait() async {
        await WakeSignal().wait(until: ContinuousClock.now - .seconds(1))
    }

    @Test func cancellationEndsAWaitWithoutADeadline() async {
        let signal = WakeSignal()
        let waiter = Task { await signal.wait(until: nil) }
        waiter.cancel()
        await waiter.value
    }
}

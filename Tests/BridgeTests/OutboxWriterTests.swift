import Lines
import Presses
import Synchronization
import Testing
@testable import Bridge

/// The writer thread between the button loop and the outbox: order kept, nothing left behind.
@Suite struct OutboxWriterTests {
    @Test func commitsEveryPressInSubmissionOrderBeforeFinishReturns() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        let recorder = PressRecorder(outbox: outbox) { _, _ in }
        let writer = OutboxWriter { press, deviceId in recorder.record(press, deviceId: deviceId) }
        let types: [ClickType] = [.single, .double, .long]
        let now = MonotonicClock.now()
        // Submitted before the thread starts, and while it runs: both are committed.
        for i in 0..<3 { writer.submit(Press(button: "b", clickType: types[i], pressedAt: now, decidedAt: now), deviceId: "dev-\(i % 2)") }
        writer.start()
        for i in 3..<300 { writer.submit(Press(button: "b", clickType: types[i % 3], pressedAt: now, decidedAt: now), deviceId: "dev-\(i % 2)") }
        await writer.finish()
        let events = try outbox.pending(limit: 1000)
        #expect(events.count == 300)
        #expect(events.map(\.clickType) == (0..<300).map { types[$0 % 3] })
        #expect(events.map(\.deviceId) == (0..<300).map { "dev-\($0 % 2)" })
    }

    @Test func finishWithoutStartReturnsAndFinishTwiceIsFine() async {
        let committed = Atomic<Int>(0)
        let idle = OutboxWriter { _, _ in committed.add(1, ordering: .relaxed) }
        await idle.finish()
        let writer = OutboxWriter { _, _ in committed.add(1, ordering: .relaxed) }
        writer.start()
        await writer.finish()
        await writer.finish()
        #expect(committed.load(ordering: .relaxed) == 0)
    }
}

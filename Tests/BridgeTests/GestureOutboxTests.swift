import Foundation
import OneClick
import Presses
import Synchronization
import Testing
import TestSupport
@testable import Bridge

/// Every gesture is committed to the real SQLite outbox with its own event id and
/// `reportedTime`; only SINGLE, DOUBLE and LONG are queued for the 1-Click service.
@Suite struct GestureOutboxTests {
    static let realtime = WireTimestamp(microseconds: 1_795_000_000_000_000)  // 2026-11-18T…Z
    static let monotonic = Timestamp(nanoseconds: 500_000_000_000)

    /// One of every gesture, decided 100 ms apart up to `monotonic`.
    static let presses: [Press] = {
        let gestures: [Gesture] = [.single, .triple, .double, .quadruple, .quintuple, .long,
                                   .longRepeat(count: 1), .longRepeat(count: 2), .longRelease(heldFor: .milliseconds(2345))]
        return gestures.enumerated().map { i, g in
            let decided = Timestamp(nanoseconds: monotonic.nanoseconds - Int64(gestures.count - i) * 100_000_000)
            return Press(button: "desk", gesture: g, pressedAt: Timestamp(nanoseconds: decided.nanoseconds - 1_000_000_000), decidedAt: decided)
        }
    }()

    @Test func everyGestureIsCommittedButOnlyTheOneClickThreeAreQueued() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let handed = Mutex<[CommittedGesture]>([])
        do {
            let outbox = try Outbox(stateDir: dir)
            let recorder = PressRecorder(outbox: outbox) { _, committed in handed.withLock { $0.append(committed) } }
            for press in Self.presses {
                let committed = try #require(recorder.record(press, deviceId: "G030PM0GESTURE01", monotonicNow: Self.monotonic,
                                                             realtimeNow: Self.realtime))
                #expect(committed.gesture == press.gesture)
                #expect(committed.reportedTime == ReportedTime.derive(decidedAt: press.decidedAt, monotonicNow: Self.monotonic,
                                                                      realtimeNow: Self.realtime))
                #expect((committed.queued != nil) == (press.clickType != nil), "\(press.gesture)")
            }
        }
        // Handed on (to the publisher and the actions) in decision order, each with its own id.
        let all = handed.withLock { $0 }
        #expect(all.map(\.gesture) == Self.presses.map(\.gesture))
        #expect(Set(all.map(\.eventId)).count == Self.presses.count)
        #expect(all.allSatisfy { UUID(uuidString: $0.eventId) != nil })
        #expect(Set(all.map(\.reportedTime)).count == Self.presses.count)

        // On disk after reopening: the record of all, the queue of the three.
        let reopened = try Outbox(stateDir: dir)
        let recorded = try reopened.committedGestures()
        #expect(recorded.map(\.gesture) == Self.presses.map(\.gesture))
        #expect(recorded.map(\.eventId) == all.map(\.eventId))
        #expect(recorded.map(\.reportedTime) == all.map(\.reportedTime))
        let queued = try reopened.pending()
        #expect(queued.map(\.clickType) == [.single, .double, .long])
        #expect(queued.map(\.eventId) == all.filter { $0.gesture.clickType != nil }.map(\.eventId))
    }

    @Test("the service never sees the other gestures, and a refusal dead-letters only what it refused")
    func onlyTheThreeArePublishedOrDeadLettered() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        let recorder = PressRecorder(outbox: outbox) { _, _ in }
        for press in Self.presses { recorder.record(press, deviceId: "a1", monotonicNow: Self.monotonic, realtimeNow: Self.realtime) }
        // The service refuses every event for good.
        let refusal = DeliveryError.rejected(status: 400, code: "InvalidRequestException", message: "refused")
        let sink = ScriptedSink(failures: ["a1": Array(repeating: refusal, count: 20)])
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: PublisherTests.fast, report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let got = await reports.take(3)
        #expect(got.count == 3)
        // Give a fourth report, which must not exist, a moment to show up.
        let more = await reports.take(1, timeout: 0.3)
        #expect(more.isEmpty, "\(more)")
        #expect(sink.attempts.map(\.clickType) == [.single, .double, .long])
        #expect(try outbox.deadLetters().map(\.event.clickType).sorted { $0.rawValue < $1.rawValue } == [.double, .long, .single])
        #expect(try outbox.backlog().count == 0)
        #expect(try outbox.committedGestures().count == Self.presses.count)
    }

    @Test func theRecordOfGesturesIsBounded() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(path: dir + "/outbox.sqlite", gestureJournalLimit: 3)
        for i in 0..<5 {
            try outbox.commit(deviceId: "a1", button: "x", gesture: i == 1 ? .long : .triple, reportedTime: "t\(i)")
        }
        #expect(try outbox.committedGestures().map(\.reportedTime) == ["t2", "t3", "t4"])
        // The queue for the service is never trimmed: the LONG trimmed from the record still waits.
        #expect(try outbox.pending().map(\.reportedTime) == ["t1"])
    }
}

import Foundation
import OneClick
import Presses
import Synchronization
import Testing
import TestSupport
@testable import Bridge

/// An `EventSink` that answers from a script per device (then acknowledges), and records every
/// attempt. It stands in for the network only to reach each retry rule; the real client and
/// service are exercised end to end elsewhere.
final class ScriptedSink: EventSink {
    private let state = Mutex<(script: [String: [DeliveryError]], attempts: [OutboxEvent], acknowledged: [OutboxEvent])>(([:], [], []))

    init(failures: [String: [DeliveryError]] = [:]) {
        state.withLock { $0.script = failures }
    }

    func register(deviceId: String, claimCode: String?) async throws {
        try next(deviceId)
    }

    func publish(_ event: OutboxEvent) async throws {
        state.withLock { $0.attempts.append(event) }
        try next(event.deviceId)
        state.withLock { $0.acknowledged.append(event) }
    }

    private func next(_ device: String) throws {
        let failure = state.withLock { s -> DeliveryError? in
            guard var list = s.script[device], !list.isEmpty else { return nil }
            let f = list.removeFirst()
            s.script[device] = list
            return f
        }
        if let failure { throw failure }
    }

    var attempts: [OutboxEvent] { state.withLock { $0.attempts } }
    var acknowledged: [OutboxEvent] { state.withLock { $0.acknowledged } }
}

@Suite struct PublisherTests {
    /// Fast retries, so the tests are quick; the rules, not the delays, are under test here.
    static let fast = RetryPolicy.outbox.with(backoff: Backoff(initial: 0.005, cap: 0.02))

    @Test(arguments: [
        (DeliveryError.connection("refused"), RetryVerdict.retry),
        (.rejected(status: 500, code: "InternalFailure", message: ""), .retry),
        (.rejected(status: 503, code: "ServiceUnavailable", message: ""), .retry),
        (.rejected(status: 429, code: "TooManyRequestsException", message: ""), .retry),
        (.rejected(status: 403, code: "InvalidSignatureException", message: ""), .retry),
        (.rejected(status: 400, code: "InvalidRequestException", message: ""), .giveUp),
        (.rejected(status: 404, code: "ResourceNotFoundException", message: ""), .giveUp),
        (.rejected(status: 409, code: "ResourceConflictException", message: ""), .giveUp),
        (.rejected(status: 413, code: "RequestEntityTooLargeException", message: ""), .giveUp),
        // Not an error status at all: something odd in between, never dropped.
        (.rejected(status: 302, code: "302", message: ""), .retry),
        (.rejected(status: 200, code: "200", message: ""), .retry),
    ])
    func retryRules(error: DeliveryError, verdict: RetryVerdict) {
        #expect(RetryPolicy.outbox.verdict(for: error) == verdict)
    }

    @Test func outboxBackoffGrowsToItsCapFromTheUpperHalfWithoutLimit() {
        let policy = RetryPolicy.outbox
        #expect(policy.maxAttempts == .max)
        #expect((1...10).map { policy.backoff.nominal(attempt: $0) } == [0.5, 1, 2, 4, 8, 16, 32, 60, 60, 60])
        #expect(policy.backoff.nominal(attempt: 10_000) == 60)
        #expect(delays(1...9, .highest, policy.delay(afterAttempt:using:)) == [0.5, 1, 2, 4, 8, 16, 32, 60, 60])
        #expect(delays(1...9, .lowest, policy.delay(afterAttempt:using:)) == [0.25, 0.5, 1, 2, 4, 8, 16, 30, 30])
    }

    @Test func deliversEverythingInOrderPerDeviceAndEmptiesTheOutbox() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        let clicks: [ClickType] = [.single, .double, .long, .single, .long]
        for (i, c) in clicks.enumerated() {
            try outbox.enqueue(deviceId: i % 2 == 0 ? "a1" : "b2", button: "x", clickType: c, reportedTime: "t\(i)")
        }
        let sink = ScriptedSink()
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: Self.fast, report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let got = await reports.take(5)
        #expect(got.count == 5)
        #expect(sink.acknowledged.filter { $0.deviceId == "a1" }.map(\.reportedTime) == ["t0", "t2", "t4"])
        #expect(sink.acknowledged.filter { $0.deviceId == "b2" }.map(\.reportedTime) == ["t1", "t3"])
        #expect(try outbox.backlog().count == 0)
    }

    @Test func retryableFailuresKeepTheEventAndItsPlace() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        try outbox.enqueue(deviceId: "a1", button: "x", clickType: .single, reportedTime: "first")
        try outbox.enqueue(deviceId: "a1", button: "x", clickType: .double, reportedTime: "second")
        let sink = ScriptedSink(failures: ["a1": [
            .connection("connection refused"),
            .rejected(status: 503, code: "ServiceUnavailable", message: "down"),
            .rejected(status: 429, code: "TooManyRequestsException", message: "slow down"),
            .rejected(status: 403, code: "InvalidSignatureException", message: "clock skew"),
        ]])
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: Self.fast, report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let got = await reports.take(6)
        let retried = got.compactMap { r -> String? in if case .willRetry(let e, _, _) = r { return e.reportedTime } else { return nil } }
        let delivered = got.compactMap { r -> String? in if case .delivered(let e) = r { return e.reportedTime } else { return nil } }
        #expect(retried == ["first", "first", "first", "first"])
        #expect(delivered == ["first", "second"])
        // Nothing behind the failing event went ahead of it.
        #expect(sink.attempts.map(\.reportedTime) == ["first", "first", "first", "first", "first", "second"])
        #expect(try outbox.backlog().count == 0)
    }

    @Test func aFinalRefusalIsDeadLetteredWithoutBlockingTheRest() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        let bad = try outbox.enqueue(deviceId: "a1", button: "x", clickType: .single, reportedTime: "refused")
        try outbox.enqueue(deviceId: "a1", button: "x", clickType: .long, reportedTime: "after")
        let sink = ScriptedSink(failures: ["a1": [.rejected(status: 400, code: "InvalidRequestException", message: "clickType")]])
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: Self.fast, report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let got = await reports.take(2)
        #expect(got.count == 2)
        guard got.count == 2 else { return }
        #expect(got[0] == .deadLettered(bad, .rejected(status: 400, code: "InvalidRequestException", message: "clickType")))
        if case .delivered(let e) = got[1] { #expect(e.reportedTime == "after") } else { Issue.record("\(got[1])") }
        let dead = try outbox.deadLetters()
        #expect(dead.map(\.event.eventId) == [bad.eventId])
        #expect(dead.first?.code == "InvalidRequestException")
        #expect(try outbox.backlog().count == 0)
    }

    @Test func oneDeviceWaitingForARetryDoesNotHoldUpAnother() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        try outbox.enqueue(deviceId: "a1", button: "x", clickType: .single, reportedTime: "a")
        try outbox.enqueue(deviceId: "b2", button: "y", clickType: .single, reportedTime: "b")
        // a1 fails for a long while (its backoff is long); b2 must still be delivered.
        let sink = ScriptedSink(failures: ["a1": Array(repeating: .connection("down"), count: 100)])
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: RetryPolicy.outbox.with(backoff: Backoff(initial: 30, cap: 60)), report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let got = await reports.take(2)
        #expect(got.contains { if case .delivered(let e) = $0 { e.deviceId == "b2" } else { false } })
        #expect(got.contains { if case .willRetry(let e, _, _) = $0 { e.deviceId == "a1" } else { false } })
        #expect(try outbox.head(of: "a1")?.attempts == 1)
    }

    @Test func anIdlePublisherWakesForANewEvent() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        let sink = ScriptedSink()
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: Self.fast, report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        // Whether the publisher is already waiting or not, the signal is not lost.
        for i in 0..<3 {
            try outbox.enqueue(deviceId: "a1", button: "x", clickType: .single, reportedTime: "\(i)")
            publisher.wake()
            let got = await reports.take(1)
            #expect(got.count == 1)
        }
        #expect(sink.acknowledged.map(\.reportedTime) == ["0", "1", "2"])
    }

    @Test func cancellationEndsRunPromptly() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let publisher = Publisher(outbox: try Outbox(stateDir: dir), sink: ScriptedSink())
        let task = Task { await publisher.run() }
        task.cancel()
        await task.value  // returns: the idle wait honours cancellation
    }

    @Test func registrarRetriesUntilTheServiceAnswersAndStopsOnARefusal() async {
        let sink = ScriptedSink(failures: [
            "a1": [.connection("refused"), .rejected(status: 502, code: "BadGateway", message: "")],
            "b2": [.rejected(status: 400, code: "InvalidRequestException", message: "claimCode")],
        ])
        let outcomes = Collector<Registrar.Outcome>()
        await Registrar(sink: sink, policy: Self.fast).registerAll([("a1", "C-3F9A2K7Q1Z"), ("b2", nil)], report: outcomes.add)
        let got = await outcomes.take(4)
        #expect(got.filter { if case .willRetry(let d, _, _) = $0 { d == "a1" } else { false } }.count == 2)
        #expect(got.contains(.registered(deviceId: "a1")))
        #expect(got.contains(.refused(deviceId: "b2", .rejected(status: 400, code: "InvalidRequestException", message: "claimCode"))))
    }
}

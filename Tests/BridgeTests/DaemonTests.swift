import Foundation
import Lines
import Presses
import Testing
@testable import Bridge

/// The daemon core on the real live loop, a real SQLite outbox, and a trace button replayed in
/// real time. The sink is scripted; the real client and service are in the end-to-end tests.
@Suite struct DaemonTests {
    /// A native trace file of one button: SINGLE, DOUBLE, LONG, with bouncy contacts.
    func writeTrace(in dir: String, _ script: SimulatedButton) throws -> String {
        let path = dir + "/button.txt"
        try NativeTraceWriter.document(script.trace).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One click 20 ms in, released at 100 ms.
    static let oneClick = SimulatedButton(name: "b").wait(.milliseconds(20)).click(.milliseconds(80))

    @Test func tracePressesBecomeDeliveredEventsInOrder() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let script = SimulatedButton(name: "b").wait(.milliseconds(50))
            .click(.milliseconds(80), bounce: 3).wait(.milliseconds(600))
            .doubleClick(bounce: 2).wait(.milliseconds(600))
            .hold(.milliseconds(1700), bounce: 1)
        let trace = try writeTrace(in: dir, script)
        let config = try ConfigLoader.parse("""
            claimCode: C-3F9A2K7Q1Z
            buttons:
              - deviceId: G030PM0123456791
                name: desk
                trace: { file: \(trace) }
            """)
        let outbox = try Outbox(stateDir: dir)
        let sink = ScriptedSink()
        let lines = Collector<String>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]), say: lines.add)
        let run = Task { try await daemon.run() }
        // Three presses queued and three delivered, plus the registration line.
        let said = await lines.take(7)
        daemon.stop()
        try await run.value
        #expect(said.filter { $0.hasPrefix("registered G030PM0123456791 with claim code C-3F9A2K7Q1Z") }.count == 1)
        #expect(sink.acknowledged.map(\.clickType) == [.single, .double, .long])
        #expect(sink.acknowledged.allSatisfy { $0.deviceId == "G030PM0123456791" && $0.button == "desk" })
        #expect(try outbox.backlog().count == 0)
        // reportedTime is ISO-8601 UTC with milliseconds and in press order.
        let times = sink.acknowledged.map(\.reportedTime)
        #expect(times == times.sorted())
        #expect(times.allSatisfy { $0.count == 24 && $0.hasSuffix("Z") })
    }

    /// A simulated button (the demo's) is a button like the others: played live, it is decided,
    /// committed and delivered, and each step is observed in that order.
    @Test func aSimulatedButtonPlayedLiveIsObservedFromCommitToDelivery() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let config = BridgeConfig(claimCode: "C-3F9A2K7Q1Z", buttons: [ButtonConfig(deviceId: "G030PM0SIM000001", name: "desk", source: .simulated)])
        let outbox = try Outbox(stateDir: dir)
        let sink = ScriptedSink()
        let reports = Collector<DaemonReport>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]),
                                      say: { _ in }, observe: reports.add)
        #expect(daemon.simulatedButton(of: "G030PM0OTHER0001") == nil)
        let button = try #require(daemon.simulatedButton(of: "G030PM0SIM000001"))
        let run = Task { try await daemon.run() }
        let registration = await reports.take(1)
        guard case .registration(.registered(deviceId: "G030PM0SIM000001"))? = registration.first else {
            Issue.record("expected the registration first: \(registration)")
            daemon.stop()
            try await run.value
            return
        }
        button.play(SimulatedButton(name: "desk").doubleClick(bounce: 2).trace, after: .milliseconds(20))
        let steps = await reports.take(2)
        daemon.stop()
        try await run.value
        guard steps.count == 2, case .queued(let press, let queued) = steps[0], case .publisher(.delivered(let delivered)) = steps[1] else {
            Issue.record("expected queued, then delivered: \(steps)")
            return
        }
        #expect(press.clickType == .double && press.button == "desk")
        #expect(queued.eventId == delivered.eventId && delivered.deviceId == "G030PM0SIM000001")
        #expect(sink.acknowledged.map(\.clickType) == [.double])
        #expect(try outbox.backlog().count == 0)
    }

    /// SIGTERM's path: a press still waiting for its double window is decided at once and kept.
    @Test func stopDecidesAPendingPressAndKeepsIt() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        // A single click, then nothing: without a stop it would be decided 60 s after release.
        let trace = try writeTrace(in: dir, Self.oneClick)
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: a1
                trace: { file: \(trace) }
                timing: { doubleWindow: 60s }
            """)
        let outbox = try Outbox(stateDir: dir)
        // The service is down: the decided press must stay in the outbox.
        let sink = ScriptedSink(failures: ["a1": Array(repeating: .connection("refused"), count: 1000)])
        let lines = Collector<String>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]), say: lines.add)
        let run = Task { try await daemon.run() }
        // Wait until the release (100 ms into the replay) has surely been replayed, even on a
        // loaded machine, then stop long before the 60 s window closes.
        try await Task.sleep(for: .seconds(3))
        daemon.stop()
        try await run.value
        let kept = try Outbox(stateDir: dir).pending()
        #expect(kept.map(\.clickType) == [.single])
        #expect(kept.first?.deviceId == "a1")
    }

    @Test func aMissingGPIOChipDoesNotStopTheOtherButtons() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let trace = try writeTrace(in: dir, Self.oneClick)
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: gpio-button
                gpio: { chip: gpiochip7, line: GPIO17 }
              - deviceId: evdev-button
                evdev: { device: \(dir)/no-such-event-device, key: KEY_ENTER }
              - deviceId: trace-button
                trace: { file: \(trace) }
            """)
        let outbox = try Outbox(stateDir: dir)
        let sink = ScriptedSink()
        let lines = Collector<String>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]), say: lines.add)
        #expect(daemon.waitingDevices.count == 2)
        #expect(daemon.waitingDevices.contains { $0.hasPrefix("gpio-button:") })
        #expect(daemon.waitingDevices.contains { $0.hasPrefix("evdev-button:") })
        let run = Task { try await daemon.run() }
        let said = await lines.take(5)  // three registrations, one press queued, one delivered
        daemon.stop()
        try await run.value
        #expect(said.contains { $0.hasPrefix("delivered SINGLE of trace-button") })
        #expect(sink.acknowledged.map(\.deviceId) == ["trace-button"])
    }

    @Test func anUnreadableTraceIsAClearErrorAtStart() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let config = try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: \(dir)/missing.txt }\n")
        let error = #expect(throws: LineError.self) {
            try BridgeDaemon(config: config, outbox: try Outbox(stateDir: dir), sink: ScriptedSink(), notifier: SystemdNotifier(environment: [:]), say: { _ in })
        }
        #expect(error?.message.contains("a1") == true)
        #expect(error?.message.contains("missing.txt") == true)
    }
}

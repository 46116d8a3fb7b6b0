import Foundation
import Lines
import Presses
import TestSupport
import Testing
@testable import Bridge

/// Actions in the daemon: a trace button replayed in real time on the live loop, a real SQLite
/// outbox, real commands and a real webhook receiver on loopback.
@Suite("Actions: in the daemon")
struct ActionsDaemonTests {
    @Test("each committed press runs its click type's actions, with the event id the outbox gave it; status shows them")
    func pressesRunTheirActions() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let (receiver, url) = try await HTTPReceiver.started(path: "/hook")
        defer { receiver.stop() }
        let script = SimulatedButton(name: "b").wait(.milliseconds(50))
            .click(.milliseconds(80), bounce: 3).wait(.milliseconds(600))
            .doubleClick(bounce: 2).wait(.milliseconds(600))
            .hold(.milliseconds(1700), bounce: 1)
        let trace = dir + "/button.txt"
        try NativeTraceWriter.document(script.trace).write(toFile: trace, atomically: true, encoding: .utf8)
        let log = dir + "/presses.log"
        let append = "[\"/bin/sh\", \"-c\", \"echo $CLICKBRIDGE_CLICK_TYPE $CLICKBRIDGE_EVENT_ID $CLICKBRIDGE_BUTTON >> \(log)\"]"
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: G030PM0123456791
                name: desk
                trace: { file: \(trace) }
                on:
                  SINGLE: { exec: \(append) }
                  DOUBLE: { exec: \(append) }
                  LONG: [ { exec: \(append) }, { webhook: { url: "\(url)", secret: k } }, { exec: [/bin/false] } ]
            """)
        let outbox = try Outbox(stateDir: dir)
        let sink = ScriptedSink()
        let lines = Collector<String>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]), say: lines.add)
        let run = Task { try await daemon.run() }
        _ = await lines.take(7)
        daemon.stop()
        // run() returns after the queued presses' actions are done.
        try await run.value

        let acknowledged = sink.acknowledged
        #expect(acknowledged.map(\.clickType) == [.single, .double, .long])
        let written = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        // Each press's command ran once with its event id. Presses start in order, but their
        // commands run at once and may append in any order (the dispatcher's tests check the start order).
        #expect(written.sorted() == acknowledged.map { "\($0.clickType.rawValue) \($0.eventId) desk" }.sorted())

        let hooks = receiver.deliveries
        #expect(hooks.count == 1)
        #expect(hooks.first?.headers["x-clickbridge-event-id"] == acknowledged.last?.eventId)
        #expect(WebhookSignature.isValid(hooks.first?.headers["x-clickbridge-signature"] ?? "", body: hooks.first?.body ?? [], secret: "k"))

        // The failing action is recorded for `clickbridge status`, and the others as runs.
        let report = try await StatusReport.gather(config: config, stateDir: dir, endpoint: "test") { _ in "CLAIMED" }
        #expect(report.actions.map { "\($0.clickType)[\($0.index)] \($0.runs)/\($0.failures)" }
                == ["DOUBLE[0] 1/0", "LONG[0] 1/0", "LONG[1] 1/0", "LONG[2] 1/1", "SINGLE[0] 1/0"])
        #expect(report.text.contains("G030PM0123456791 LONG[2] exec /bin/false: 1 runs  1 FAILED; last: exit 1"))
    }
}

import Foundation
import Lines
import Presses
import TestSupport
import Testing
@testable import Bridge

/// Gestures beyond the 1-Click three in the daemon: a trace button with `maxPresses: 3` and
/// `longRelease` replayed in real time on the live loop, the real SQLite outbox, real commands.
@Suite("Actions: gestures beyond the 1-Click three")
struct GestureActionsTests {
    @Test("TRIPLE and LONG_RELEASE run their commands with the documented environment; only LONG reaches the service")
    func tripleAndLongReleaseRunTheirActions() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let script = SimulatedButton(name: "b").wait(.milliseconds(50))
            .click(.milliseconds(80), bounce: 2).wait(.milliseconds(150))
            .click(.milliseconds(80), bounce: 2).wait(.milliseconds(150))
            .click(.milliseconds(80), bounce: 2).wait(.milliseconds(600))
            .hold(.milliseconds(1700), bounce: 1)
        let trace = dir + "/button.txt"
        try NativeTraceWriter.document(script.trace).write(toFile: trace, atomically: true, encoding: .utf8)
        let dump = { (name: String) in "[\"/bin/sh\", \"-c\", \"env > \(dir)/\(name).env\"]" }
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: G030PM0123456792
                name: desk
                trace: { file: \(trace) }
                timing: { maxPresses: 3, longRelease: true }
                on:
                  TRIPLE: { exec: \(dump("triple")) }
                  LONG: { exec: \(dump("long")) }
                  LONG_RELEASE: { exec: \(dump("release")) }
            """)
        let outbox = try Outbox(stateDir: dir)
        let sink = ScriptedSink()
        let lines = Collector<String>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]), say: lines.add)
        let run = Task { try await daemon.run() }
        // registered, three gestures committed, LONG delivered.
        _ = await lines.take(5)
        daemon.stop()
        try await run.value

        // Every gesture was committed with its own event id; only LONG was queued and published.
        let committed = try outbox.committedGestures()
        #expect(committed.map(\.gesture.name) == [.triple, .long, .longRelease])
        #expect(Set(committed.map(\.eventId)).count == 3)
        #expect(sink.acknowledged.map(\.clickType) == [.long])
        #expect(sink.acknowledged.map(\.eventId) == [committed[1].eventId])
        #expect(try outbox.deadLetters().isEmpty && outbox.backlog().count == 0)

        func environment(_ name: String) -> [String: String] {
            let text = (try? String(contentsOfFile: "\(dir)/\(name).env", encoding: .utf8)) ?? ""
            var env: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                env[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return env
        }
        let triple = environment("triple")
        #expect(triple["CLICKBRIDGE_GESTURE"] == "TRIPLE")
        #expect(triple["CLICKBRIDGE_PRESS_COUNT"] == "3")
        #expect(triple["CLICKBRIDGE_CLICK_TYPE"] == nil)
        #expect(triple["CLICKBRIDGE_HELD_MS"] == nil)
        #expect(triple["CLICKBRIDGE_EVENT_ID"] == committed[0].eventId)
        #expect(triple["CLICKBRIDGE_REPORTED_TIME"] == committed[0].reportedTime)
        #expect(triple["CLICKBRIDGE_DEVICE_ID"] == "G030PM0123456792" && triple["CLICKBRIDGE_BUTTON"] == "desk")

        let long = environment("long")
        #expect(long["CLICKBRIDGE_GESTURE"] == "LONG" && long["CLICKBRIDGE_CLICK_TYPE"] == "LONG")
        #expect(long["CLICKBRIDGE_PRESS_COUNT"] == nil && long["CLICKBRIDGE_EVENT_ID"] == committed[1].eventId)

        let release = environment("release")
        #expect(release["CLICKBRIDGE_GESTURE"] == "LONG_RELEASE")
        #expect(release["CLICKBRIDGE_CLICK_TYPE"] == nil)
        #expect(release["CLICKBRIDGE_PRESS_COUNT"] == nil)
        // Held 1700 ms: the release's first edge minus the press's, as the script played them.
        #expect(release["CLICKBRIDGE_HELD_MS"] == "1700")
        #expect(release["CLICKBRIDGE_EVENT_ID"] == committed[2].eventId)
        #expect(release["CLICKBRIDGE_REPORTED_TIME"] == committed[2].reportedTime)
    }
}

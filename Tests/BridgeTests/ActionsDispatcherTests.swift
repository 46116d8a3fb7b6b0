import Bridge
import Foundation
import Presses
import Synchronization
import Testing

/// Collects what the dispatcher reports, in the order it reports it.
final class ResultLog: Sendable {
    private let results = Mutex<[ActionResult]>([])
    func add(_ r: ActionResult) { results.withLock { $0.append(r) } }
    var all: [ActionResult] { results.withLock { $0 } }
}

@Suite("Actions: dispatcher")
struct ActionsDispatcherTests {
    @Test("a hanging command is killed at its timeout and does not delay the next press on the same button")
    func hangingDoesNotDelay() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        // The first press's command hangs; the second's returns at once.
        let script = "echo start $CLICKBRIDGE_EVENT_ID >> \"$1\"; [ $CLICKBRIDGE_EVENT_ID = e1 ] && exec sleep 60; echo done $CLICKBRIDGE_EVENT_ID >> \"$1\""
        let actions = ButtonActions([.single: [.exec(ExecAction(argv: ["/bin/sh", "-c", script, "sh", dir.file("log")], timeout: .seconds(3)))]])
        let log = ResultLog()
        let dispatcher = ActionDispatcher(buttons: ["G030PM0123456789": actions], health: ActionHealth(file: dir.file("actions.json")),
                                          observer: log.add)
        let running = Task { await dispatcher.run() }
        dispatcher.submit(sampleEvent("e1"))
        dispatcher.submit(sampleEvent("e2"))
        dispatcher.finish()
        await running.value

        let results = log.all
        // e2 finished while e1 still hung: its result came first, and e1 was then killed.
        #expect(results.map(\.event.eventId) == ["e2", "e1"])
        #expect(results.map(\.result) == ["exit 0", "timed out: its process group was killed"])
        // Both started (in order, though the commands' own writes may interleave either way).
        #expect(Set(dir.read("log").split(separator: "\n")) == ["start e1", "start e2", "done e2"])

        // The failure is recorded for `clickbridge status`.
        let records = try ActionHealth.load(file: dir.file("actions.json"))
        #expect(records.count == 1)
        #expect(records.first?.runs == 2)
        #expect(records.first?.failures == 1)
        #expect(records.first?.lastError == "timed out: its process group was killed")
        #expect(records.first?.lastErrorEventId == "e1")
        #expect(records.first?.action == "exec /bin/sh")
    }

    @Test("presses on one button start in order; other click types and unknown devices run nothing")
    func orderAndRouting() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let append = ExecAction(argv: ["/bin/sh", "-c", "echo $CLICKBRIDGE_CLICK_TYPE $CLICKBRIDGE_EVENT_ID >> \"$1\"", "sh", dir.file("log")])
        let actions = ButtonActions([.single: [.exec(append)], .long: [.exec(append), .exec(append)]])
        let dispatcher = ActionDispatcher(buttons: ["A": actions], health: ActionHealth(file: nil), maxConcurrentPresses: 1)
        let running = Task { await dispatcher.run() }
        for i in 0..<20 { dispatcher.submit(sampleEvent("s\(i)", device: "A")) }
        dispatcher.submit(sampleEvent("d", click: .double, device: "A"))
        dispatcher.submit(sampleEvent("other", device: "B"))
        dispatcher.submit(sampleEvent("l", click: .long, device: "A"))
        dispatcher.finish()
        await running.value
        let lines = dir.read("log").split(separator: "\n").map(String.init)
        #expect(lines == (0..<20).map { "SINGLE s\($0)" } + ["LONG l", "LONG l"])
        #expect(dispatcher.health.snapshot().map { "\($0.clickType)/\($0.index) \($0.runs)" } == ["LONG/0 1", "LONG/1 1", "SINGLE/0 20"])
    }
}

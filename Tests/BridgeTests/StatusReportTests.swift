import Foundation
import Testing
@testable import Bridge

@Suite struct StatusReportTests {
    @Test func showsButtonsBacklogDeadLettersAndUnconfiguredDevices() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try "x".write(toFile: dir + "/t.txt", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: present-1
                trace: { file: \(dir)/t.txt }
              - deviceId: missing-1
                evdev: { device: \(dir)/no-event, key: KEY_ENTER }
            """)
        let outbox = try Outbox(stateDir: dir)
        let dead = try outbox.enqueue(deviceId: "present-1", button: "b", clickType: .single, reportedTime: "2026-11-22T00:00:00.000Z")
        try outbox.deadLetter(eventId: dead.eventId, status: 400, code: "InvalidRequestException", message: "bad clickType")
        try outbox.enqueue(deviceId: "old-device", button: "b", clickType: .long, reportedTime: "2026-11-22T00:00:01.000Z")
        let report = try await StatusReport.gather(config: config, stateDir: dir, endpoint: "http://127.0.0.1:1") { "state of \($0)" }
        #expect(report.buttons.map(\.present) == [true, false])
        #expect(report.buttons.map(\.claimState) == ["state of present-1", "state of missing-1"])
        #expect(report.backlog?.count == 1)
        #expect(report.unconfiguredDevices == ["old-device"])
        let text = report.text
        #expect(text.contains("present-1  present  state of present-1"))
        #expect(text.contains("missing-1  MISSING"))
        #expect(text.contains("outbox    1 waiting"))
        #expect(text.contains("no longer configured (still delivered): old-device"))
        #expect(text.contains("dead letters  1"))
        #expect(text.contains("400 InvalidRequestException: bad clickType"))
    }

    @Test func aBridgeThatNeverRanHasNoOutboxAndStatusDoesNotCreateOne() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let config = try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: t }\n")
        let report = try await StatusReport.gather(config: config, stateDir: dir, endpoint: "e") { _ in "?" }
        #expect(report.outboxPath == nil)
        #expect(report.text.contains("none yet"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + Outbox.fileName))
    }
}

import Foundation
import Presses
import Testing
@testable import Bridge

@Suite struct OutboxTests {
    @Test func durableSettingsAreOn() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        #expect(try outbox.pragma("journal_mode") == "wal")
        #expect(try outbox.pragma("synchronous") == "2")  // FULL
        #expect(FileManager.default.fileExists(atPath: dir + "/outbox.sqlite"))
    }

    @Test func eventsSurviveReopeningInOrderWithUniqueIds() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        do {
            let outbox = try Outbox(stateDir: dir)
            try outbox.enqueue(deviceId: "a1", button: "A", clickType: .single, reportedTime: "2026-11-22T00:00:00.000Z")
            try outbox.enqueue(deviceId: "b2", button: "B", clickType: .long, reportedTime: "2026-11-22T00:00:01.000Z")
            try outbox.enqueue(deviceId: "a1", button: "A", clickType: .double, reportedTime: "2026-11-22T00:00:02.000Z")
        }
        let reopened = try Outbox(stateDir: dir)
        let events = try reopened.pending()
        #expect(events.map(\.clickType) == [.single, .long, .double])
        #expect(Set(events.map(\.eventId)).count == 3)
        #expect(events.allSatisfy { UUID(uuidString: $0.eventId) != nil })
        #expect(try reopened.pendingDevices() == ["a1", "b2"])
        #expect(try reopened.head(of: "a1")?.clickType == .single)
        try reopened.acknowledge(eventId: events[0].eventId)
        #expect(try reopened.head(of: "a1")?.clickType == .double)
        #expect(try reopened.backlog().count == 2)
    }

    @Test func backlogCountsAndAges() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        #expect(try outbox.backlog(now: 1000) == Backlog(count: 0, oldestAge: nil, deadLetters: 0))
        try outbox.enqueue(deviceId: "a1", button: "A", clickType: .single, reportedTime: "t", now: 900)
        try outbox.enqueue(deviceId: "a1", button: "A", clickType: .single, reportedTime: "t", now: 950)
        #expect(try outbox.backlog(now: 1000) == Backlog(count: 2, oldestAge: 100, deadLetters: 0))
    }

    @Test func deadLetterMovesTheEventAndKeepsIt() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let outbox = try Outbox(stateDir: dir)
        let bad = try outbox.enqueue(deviceId: "a1", button: "A", clickType: .single, reportedTime: "t")
        try outbox.enqueue(deviceId: "a1", button: "A", clickType: .long, reportedTime: "t")
        try outbox.recordFailure(eventId: bad.eventId, reason: "503")
        try outbox.deadLetter(eventId: bad.eventId, status: 400, code: "InvalidRequestException", message: "bad", now: 5)
        #expect(try outbox.head(of: "a1")?.clickType == .long)
        let dead = try outbox.deadLetters()
        #expect(dead.count == 1)
        #expect(dead[0].event.eventId == bad.eventId)
        #expect(dead[0].event.attempts == 2)
        #expect(dead[0].status == 400 && dead[0].code == "InvalidRequestException" && dead[0].failedAt == 5)
        #expect(try outbox.backlog().deadLetters == 1)
        #expect(try outbox.backlog().count == 1)
    }

    @Test func unwritableStateDirIsAClearError() throws {
        #expect(throws: (any Error).self) { try Outbox(stateDir: "/proc/clickbridge-cannot-exist") }
    }
}

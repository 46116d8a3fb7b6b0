import Foundation
import GRDB
import OneClick
import TestSupport
import Testing

@testable import ClaimService

/// Event ids are unique per device. Before, they were unique across the service: a second
/// device's principal posting another device's id got 409 ("already received with a different
/// body"), which told it the id existed; posting it first made the victim's real press a 409,
/// which the bridge does not retry: a dead-lettered press.
@Suite struct EventIdTests {
    func body(_ eventId: String, _ click: String = "SINGLE", _ reported: String) -> String {
        #"{"eventId":"\#(eventId)","clickType":"\#(click)","reportedTime":"\#(reported)","remainingLife":99.5}"#
    }

    @Test(arguments: Backend.all) func theSameIdOnAnotherDeviceIsAnotherEvent(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let victim = newDeviceId(), other = newDeviceId()
        let id = UUID().uuidString
        #expect(try await h.press(victim, eventId: id) == DeviceEventResponse(eventId: id, duplicate: false))
        // Another principal's device, the same id, another body: a new event, not a 409.
        #expect(try await h.press(other, click: "LONG", eventId: id, as: bridgeB) == DeviceEventResponse(eventId: id, duplicate: false))
        // On the same device, the rules are unchanged.
        let reported = h.clock.iso
        #expect(try await h.press(other, click: "LONG", reported: reported, eventId: id, as: bridgeB)
                == DeviceEventResponse(eventId: id, duplicate: true))
        let message = await h.fails(.ingestDeviceEvent(deviceId: other), as: bridgeB, body: body(id, "DOUBLE", reported),
                                    "ResourceConflictException", 409)
        #expect(message.contains("different body") && message.contains(other) && !message.contains(victim))
        let stored = try await h.storedEvents().filter { $0.hasPrefix(id + " ") }
        #expect(stored == ["\(id) \(victim) SINGLE", "\(id) \(other) LONG"])
    }

    @Test(arguments: Backend.all) func takingAVictimsIdFirstNoLongerDeadLettersItsPress(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let victim = newDeviceId(), attacker = newDeviceId()
        let id = UUID().uuidString
        try await h.register(victim)
        try await h.press(attacker, click: "DOUBLE", eventId: id, as: bridgeB)
        // The victim's bridge publishes its real press with that id: accepted, and it counts.
        _ = try await h.ok(.initiateDeviceClaim(deviceId: victim), as: ownerA, DeviceClaimResponse.self)
        #expect(try await h.press(victim, eventId: id) == DeviceEventResponse(eventId: id, duplicate: false))
        let claimed = try await h.ok(.finalizeDeviceClaim(deviceId: victim), as: ownerA, body: "{}", DeviceClaimResponse.self)
        #expect(claimed.state == "CLAIMED")
    }

    @Test("the same id on two claimed devices with callbacks: both are queued and delivered", arguments: Backend.all)
    func bothCallbacksAreDelivered(_ backend: Backend) async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback")
        defer { receiver.stop() }
        let (h, first) = try await CallbackDeliveryTests.claimedWithCallback(url, backend: backend)
        let second = newDeviceId()
        try await h.register(second)
        try await h.claim(second)
        try await h.setCallback(second, url: url)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }

        let id = UUID().uuidString
        try await h.press(first, eventId: id)
        try await h.press(second, click: "LONG", eventId: id)
        let settled = try await delivery.next(2)
        #expect(settled.allSatisfy { $0 == .delivered(eventId: id, attempts: 1, status: 200) })
        let devices = receiver.deliveries.compactMap { ($0.json["deviceInfo"] as? [String: Any])?["deviceId"] as? String }
        #expect(Set(devices) == [first, second])
        for device in [first, second] {
            let record = try #require(try await h.core.store.callbackDelivery(eventId: id, deviceId: device))
            #expect(record.state == .delivered && record.deviceId == device)
        }
    }

    /// A store made by the previous schema (v3): every event and delivery row is kept with its seq,
    /// AUTOINCREMENT does not hand out the seq of an event retention deleted, deliveries still find
    /// their events, and an id may now repeat on another device.
    @Test func migrationFromTheGlobalSchemaKeepsEveryRow() async throws {
        let directory = temporaryDirectory()
        let a = "G030MIGRATEA0001", b = "G030MIGRATEB0001"
        let ids = (0..<5).map { _ in UUID().uuidString.lowercased() }
        do {
            SQLiteLog.install()   // before any connection of the process, as the service does
            let pool = try DatabasePool(path: directory + "/" + Store.fileName)
            try StoreMigrations.migrator.migrate(pool, upTo: "v3-used-signatures")
            try await pool.write { db in
                for (device, principal) in [(a, "bridge"), (b, "bridge2")] {
                    try db.execute(sql: """
                        INSERT INTO device (deviceId, type, boundPrincipal, boundAccount, ownerAccount, claimBeganAt, createdAt)
                        VALUES (?, 'button', ?, '1', '1', 0, 0)
                        """, arguments: [device, principal])
                }
                for (i, id) in ids.enumerated() {
                    try db.execute(sql: """
                        INSERT INTO event (eventId, deviceId, clickType, reportedTime, remainingLife, remainingLifeReported,
                                           receivedAt, enabledAtReceipt) VALUES (?, ?, 'SINGLE', ?, 50, 1, ?, 1)
                        """, arguments: [id, i % 2 == 0 ? a : b, Int64(i), Int64(i)])
                    try db.execute(sql: """
                        INSERT INTO callback_delivery (eventId, eventSeq, deviceId, url, body, state, createdAt)
                        VALUES (?, ?, ?, 'http://127.0.0.1:9/cb', x'7b7d', ?, ?)
                        """, arguments: [id, db.lastInsertedRowID, i % 2 == 0 ? a : b, i < 3 ? "delivered" : "pending", Int64(i)])
                }
                // Retention deleted the newest event (its pending delivery stays): seq 5 is spent.
                try db.execute(sql: "DELETE FROM event WHERE seq = 5")
            }
        }
        let store = try Store(directory: directory)
        let applied = try await store.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
        #expect(applied.contains("v4-event-ids-per-device") && applied == StoreMigrations.migrator.migrations)
        let events = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, eventId, deviceId FROM event ORDER BY seq")
                .map { "\($0["seq"] as Int64) \($0["eventId"] as String) \($0["deviceId"] as String)" }
        }
        #expect(events == (0..<4).map { "\($0 + 1) \(ids[$0]) \($0 % 2 == 0 ? a : b)" })
        let joined = try await store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.eventId, d.state, e.seq FROM callback_delivery d
                LEFT JOIN event e ON e.deviceId = d.deviceId AND e.eventId = d.eventId ORDER BY d.eventSeq
                """).map { "\($0["eventId"] as String) \($0["state"] as String) \(($0["seq"] as Int64?).map(String.init) ?? "pruned")" }
        }
        #expect(joined == (0..<5).map { "\(ids[$0]) \($0 < 3 ? "delivered" : "pending") \($0 < 4 ? String($0 + 1) : "pruned")" })
        #expect(try await store.nextPendingCallback(deviceId: b)?.eventId == ids[3])
        #expect(try await store.nextPendingCallback(deviceId: a)?.eventId == ids[4])

        // Per device now: a's id on b is another event, and the next seq is past the deleted one.
        let h = try Harness(directory: directory)
        try await h.press(b, eventId: ids[0], as: Caller(principal: "bridge2", accountId: "1", region: "us-east-1"))
        let seq = try await store.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM event WHERE deviceId = ? AND eventId = ?", arguments: [b, ids[0]])
        }
        #expect(seq == 6)
        let constraint = try await store.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'event'")
        }
        #expect(constraint?.contains("UNIQUE (deviceId, eventId)") == true)
        #expect(constraint?.contains("eventId TEXT NOT NULL UNIQUE") == false)
    }
}

import Foundation
import GRDB
import Testing

@testable import ClaimService

/// The durability settings the service promises: WAL, and synchronous=FULL on every connection
/// (it is per connection), so an answered write survives power loss.
@Suite struct StoreTests {
    @Test func walAndFullSyncOnWriterAndReaders() async throws {
        let h = try Harness()
        let writer = try await h.core.sqlite.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(writer.0 == "wal")
        #expect(writer.1 == 2)   // FULL
        let reader = try await h.core.sqlite.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(reader == 2)
    }

    /// Nobody but the service reads its database: 0600, and its -wal and -shm take the same mode.
    @Test func theDatabaseIsPrivate() async throws {
        let directory = temporaryDirectory()
        let h = try Harness(directory: directory)
        try await h.core.sqlite.write { db in try db.execute(sql: "PRAGMA user_version = user_version") }
        for file in ["claim-service.sqlite", "claim-service.sqlite-wal", "claim-service.sqlite-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
    }

    @Test func migrationsAreVersionedAndRerunnable() async throws {
        let directory = temporaryDirectory()
        _ = try Harness(directory: directory)
        // Opening the same directory again applies nothing twice.
        let again = try Harness(directory: directory)
        let applied = try await again.core.sqlite.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
        #expect(applied == ["v1", "v2-callback-delivery", "v3-used-signatures", "v4-event-ids-per-device",
                            "v5-wal-recovery-loss"])
    }

    @Test("v2 on a v1 database: the delivery table appears, and a device that reported its battery is known to have")
    func v2MigratesAV1Database() async throws {
        let directory = temporaryDirectory()
        do {
            SQLiteLog.install()   // before any connection of the process, as the service does
            let pool = try DatabasePool(path: directory + "/" + Store.fileName)
            try StoreMigrations.migrator.migrate(pool, upTo: "v1")
            try await pool.write { db in
                for (id, reported) in [("G030MIGRATE00001", true), ("G030MIGRATE00002", false)] {
                    try db.execute(sql: """
                        INSERT INTO device (deviceId, type, boundPrincipal, boundAccount, createdAt) VALUES (?, 'button', 'b', '1', 0)
                        """, arguments: [id])
                    try db.execute(sql: """
                        INSERT INTO event (eventId, deviceId, clickType, reportedTime, remainingLife, remainingLifeReported,
                                           receivedAt, enabledAtReceipt) VALUES (?, ?, 'SINGLE', 0, 50, ?, 0, 1)
                        """, arguments: [UUID().uuidString, id, reported])
                }
            }
        }
        let store = try Store(directory: directory)
        let known = try await store.read { db in
            try Bool.fetchAll(db, sql: "SELECT remainingLifeKnown FROM device ORDER BY deviceId")
        }
        #expect(known == [true, false])
        #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM callback_delivery") } == 0)
    }
}

import GRDB
import Testing

@testable import ClaimService

/// The durability settings the service promises: WAL, and synchronous=FULL on every connection
/// (it is per connection), so an answered write survives power loss.
@Suite struct StoreTests {
    @Test func walAndFullSyncOnWriterAndReaders() async throws {
        let h = try Harness()
        let writer = try await h.core.store.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(writer.0 == "wal")
        #expect(writer.1 == 2)   // FULL
        let reader = try await h.core.store.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(reader == 2)
    }

    @Test func migrationsAreVersionedAndRerunnable() async throws {
        let directory = temporaryDirectory()
        _ = try Harness(directory: directory)
        // Opening the same directory again applies nothing twice.
        let again = try Harness(directory: directory)
        let applied = try await again.core.store.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
        #expect(applied == ["v1"])
    }
}

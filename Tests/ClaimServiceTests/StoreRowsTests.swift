import Foundation
import GRDB
import Testing

@testable import ClaimService

/// `Store.rows`, the reader of the per-request queries, against what GRDB stores and reads.
@Suite struct StoreRowsTests {
    @Test func readsWhatGRDBWroteByteForByte() async throws {
        let h = try Harness()
        let texts = ["", "plain", "with\u{0}nul", "é 日本 🎛️", String(repeating: "x", count: 5_000)]
        let read = try await h.core.sqlite.write { db in
            try db.execute(sql: "CREATE TABLE probe (n INTEGER, t TEXT, i INTEGER, r REAL)")
            for (n, text) in texts.enumerated() {
                // GRDB binds text as a C string, which would stop at the NUL: store the bytes as text.
                try db.execute(sql: "INSERT INTO probe VALUES (?, CAST(? AS TEXT), ?, ?)",
                               arguments: [n, Data(text.utf8), n * 1_000_000_000_000, Double(n) / 3])
            }
            try db.execute(sql: "INSERT INTO probe VALUES (99, NULL, NULL, NULL)")
            var rows: [(String?, Int64?, Double?)] = []
            try Store.rows(db, sql: "SELECT t, i, r FROM probe ORDER BY n", []) { rows.append(($0.text(0), $0.integer(1), $0.real(2))) }
            return rows.map { "\($0.0.debugDescription)|\($0.1.debugDescription)|\($0.2.debugDescription)" }
        }
        var expected = texts.enumerated().map { n, text in
            "\(Optional(text).debugDescription)|\(Optional(Int64(n) * 1_000_000_000_000).debugDescription)|\(Optional(Double(n) / 3).debugDescription)"
        }
        expected.append("nil|nil|nil")
        #expect(read == expected)
    }

    /// Text arguments are bound whole: an empty one is '' (not NULL), and one holding NUL is not cut.
    @Test func bindsTextWhole() async throws {
        let h = try Harness()
        let counts = try await h.core.sqlite.write { db in
            try db.execute(sql: "CREATE TABLE probe (t TEXT)")
            for text in ["", "a\u{0}b"] { try db.execute(sql: "INSERT INTO probe VALUES (CAST(? AS TEXT))", arguments: [Data(text.utf8)]) }
            // Bound as a C string, "a\0b" would be "a".
            return try ["", "a\u{0}b", "a"].map { text in
                var n = 0
                try Store.rows(db, sql: "SELECT count(*) FROM probe WHERE t = ?", [.text(text)]) { n = Int($0.integer(0) ?? -1) }
                return n
            }
        }
        #expect(counts == [1, 1, 0])
    }

    /// An error from SQLite is thrown, and leaves the cached statement usable.
    @Test func aFailedStepThrowsAndTheStatementStillWorks() async throws {
        let h = try Harness()
        try await h.core.sqlite.write { db in
            try db.execute(sql: "CREATE TABLE probe (t TEXT)")
            let sql = "SELECT abs(?) FROM probe UNION ALL SELECT 1"
            // abs() of the smallest integer overflows when a row reaches it.
            try db.execute(sql: "INSERT INTO probe VALUES ('x')")
            #expect(throws: DatabaseError.self) {
                try Store.rows(db, sql: sql, [.integer(Int64.min)]) { _ in }
            }
            var values: [Int64?] = []
            try Store.rows(db, sql: sql, [.integer(-3)]) { values.append($0.integer(0)) }
            #expect(values == [3, 1])
        }
    }

    @Test func aDeviceReadsBackAsStored() async throws {
        let h = try Harness()
        let device = try await h.core.sqlite.write { db -> DeviceRecord? in
            try db.execute(sql: """
                INSERT INTO device (deviceId, type, boundPrincipal, boundAccount, claimCode, attributes, ownerAccount,
                    claimBeganAt, enabled, remainingLife, onClickCallback, healthMonitorCallback, createdAt)
                VALUES ('G030PM0123456789', 'button', 'p', '111111111111', NULL, '{"k":"v"}', '222222222222',
                    1700000000000000, 0, 42.5, NULL, 'https://example.com/h', 0)
                """)
            return try Store.device(db, "G030PM0123456789")
        }
        #expect(device == DeviceRecord(
            deviceId: "G030PM0123456789", type: "button", boundPrincipal: "p", boundAccount: "111111111111", claimCode: nil,
            attributes: ["k": "v"], ownerAccount: "222222222222", claimBeganAt: 1_700_000_000_000_000, enabled: false,
            remainingLife: 42.5, onClickCallback: nil, healthMonitorCallback: "https://example.com/h"))
        let missing = try await h.core.sqlite.read { db in try Store.device(db, "G030PM0000000000") }
        #expect(missing == nil)
    }

    /// The owner's DescribeDevice reads device and tags in one statement: every tag, or none.
    @Test func anOwnedDeviceComesWithAllItsTagsInOneRead() async throws {
        let h = try Harness()
        try await h.core.sqlite.write { db in
            for id in ["G030PM0000000001", "G030PM0000000002"] {
                try db.execute(sql: """
                    INSERT INTO device (deviceId, type, boundPrincipal, boundAccount, ownerAccount, createdAt)
                    VALUES (?, 'button', 'p', '111111111111', '222222222222', 0)
                    """, arguments: [id])
            }
            for (key, value) in ["a": "1", "b": "", "c": "three"] {
                try db.execute(sql: "INSERT INTO device_tag (deviceId, key, value) VALUES ('G030PM0000000001', ?, ?)", arguments: [key, value])
            }
        }
        let (tagged, tags) = try await h.core.store.ownedDevice(deviceId: "G030PM0000000001", account: "222222222222")
        #expect(tagged.deviceId == "G030PM0000000001" && tags == ["a": "1", "b": "", "c": "three"])
        let (bare, none) = try await h.core.store.ownedDevice(deviceId: "G030PM0000000002", account: "222222222222")
        #expect(bare.deviceId == "G030PM0000000002" && none.isEmpty)
        await #expect(throws: ServiceError.self) {
            _ = try await h.core.store.ownedDevice(deviceId: "G030PM0000000001", account: "333333333333")
        }
        await #expect(throws: ServiceError.self) {
            _ = try await h.core.store.ownedDevice(deviceId: "G030PM0000000009", account: "222222222222")
        }
    }
}

import Foundation
import GRDB
import OneClick

/// The service's state: one SQLite file in the state directory, in WAL mode, with
/// `synchronous=FULL` on every connection so that a committed answer survives power loss.
/// Every state transition is one write transaction; SQLite serialises them. The SQLite backend of
/// `ClaimStore`.
final class Store: ClaimStore {
    let pool: DatabasePool
    /// Where `read` and `readOneStatement` run; writes go to `pool`'s writer.
    private let readers: StoreReaders
    static let fileName = "claim-service.sqlite"
    /// What SQLite's recovery of the WAL kept when this store was opened (ARCHITECTURE.md,
    /// "Security and durability"): a loss is recorded in `wal_recovery_loss`.
    let walRecovery: WALWatch.Outcome
    /// The latest loss on record, found at this start or an earlier one.
    let dataLoss: StoreDataLoss?
    /// Counts the store's errors for `serve --metrics-listen`; nil: not counted.
    let metrics: ClaimServiceMetrics?

    init(directory: String, metrics: ClaimServiceMetrics? = nil) throws {
        self.metrics = metrics
        // Nobody but the service reads its database: 0600, made before SQLite creates -wal and -shm
        // with the same mode.
        let path = directory + "/" + Self.fileName
        try StateFiles.makeDirectory(directory)
        try StateFiles.prepare(path, mode: StateFiles.privateMode, sqlite: true)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // Per connection: NORMAL, GRDB's WAL default, could lose the last commits on power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        readers = StoreReaders(path: path, configuration: config)
        // The WAL is read before the first connection, which recovers it (WALWatch).
        (pool, walRecovery) = try WALWatch.open(databasePath: path) {
            let pool = try DatabasePool(path: path, configuration: config)
            // GRDB sets the writer to NORMAL when it enables WAL, after prepareDatabase ran: set FULL
            // again on the writer, the one connection that commits. (StoreTests checks it.)
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            return pool
        }
        try StoreMigrations.migrator.migrate(pool)
        if let loss = walRecovery.loss {
            let record = loss.record()
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO wal_recovery_loss (detectedAt, file, recoveredFrames, committedFrames, droppedTransactions, lostPages)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [record.detectedAt, record.file, record.recoveredFrames, record.committedFrames,
                                     record.droppedTransactions, record.lostPages])
            }
        }
        if walRecovery.truncateWAL {
            // What SQLite dropped is still in the WAL behind the new frames, with the current salts:
            // checkpoint it all and empty the WAL, so the next start does not report it again.
            // Best effort: nothing else has the file open yet, and failing would only repeat the report.
            _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        dataLoss = try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM wal_recovery_loss ORDER BY seq DESC LIMIT 1").map { row in
                StoreDataLoss(detectedAt: row["detectedAt"], file: row["file"], recoveredFrames: row["recoveredFrames"],
                              committedFrames: row["committedFrames"], droppedTransactions: row["droppedTransactions"],
                              lostPages: row["lostPages"])
            }
        }
    }

    deinit {
        readers.closeAll()
    }

    /// Runs `body` in one write transaction; a thrown `ServiceError` rolls back and is rethrown.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(ServiceError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` in one read transaction, on the calling thread, on that thread's own connection
    /// (`StoreReaders`).
    ///
    /// A read in WAL mode never waits for the writer, and the service's reads are one short query or
    /// a page, so it runs where the request is instead of hopping to a GRDB queue and back (two
    /// thread switches and about 40,000 instructions per request, more than the read itself).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(ServiceError) -> T {
        // A synchronous closure, so GRDB's blocking `read` is chosen over its async overload.
        try translatingErrors { try readers.connection().read(body) }
    }

    /// Like `read`, for a body that runs exactly one statement, without the read transaction
    /// `read` opens: a single statement already sees one committed state, and BEGIN and COMMIT
    /// cost about 35,000 instructions, more than DescribeDevice's query itself.
    func readOneStatement<T: Sendable>(_ body: (Database) throws -> T) throws(ServiceError) -> T {
        try translatingErrors { try readers.connection().unsafeRead(body) }
    }

    /// A `ServiceError` thrown by `body` as it is; any other error as an internal failure.
    private func translatingErrors<T>(_ body: () throws -> T) throws(ServiceError) -> T {
        do {
            return try body()
        } catch let error as ServiceError {
            throw error
        } catch {
            throw failure(error)
        }
    }

    /// An error of SQLite's (not a claim rule's `ServiceError`) as the 500 the caller gets; counted.
    private func failure(_ error: any Error) -> ServiceError {
        metrics?.databaseError()
        return Self.internalError(error)
    }

    static func internalError(_ error: any Error) -> ServiceError {
        ServiceError(.internalFailure, "the service could not read or write its state: \(error)")
    }

    // MARK: rows

    static func device(_ db: Database, _ deviceId: String) throws -> DeviceRecord? {
        try devices(db, sql: "SELECT \(deviceColumns) FROM device WHERE deviceId = ?", [.text(deviceId)]).first
    }

    /// The devices a `SELECT \(deviceColumns) …` finds.
    static func devices(_ db: Database, sql: String, _ arguments: [RowArgument]) throws -> [DeviceRecord] {
        var devices: [DeviceRecord] = []
        try rows(db, sql: sql, arguments) { devices.append(record($0)) }
        return devices
    }

    /// The columns `record` reads, in its order. Read by position: GRDB finds a column by name
    /// with a case-insensitive search that lower-cases strings, a fifth of a DescribeDevice's
    /// SQLite cost when done for every column.
    static let deviceColumns = """
        deviceId, type, boundPrincipal, boundAccount, claimCode, attributes, ownerAccount, claimBeganAt, enabled, \
        remainingLife, onClickCallback, healthMonitorCallback
        """

    /// A row of `SELECT \(deviceColumns)`. The columns the schema declares NOT NULL are read as
    /// their type's zero if NULL all the same.
    static func record(_ row: StoreRow) -> DeviceRecord {
        DeviceRecord(
            deviceId: row.text(0) ?? "",
            type: row.text(1) ?? "",
            boundPrincipal: row.text(2) ?? "",
            boundAccount: row.text(3) ?? "",
            claimCode: row.text(4),
            attributes: decodeMap(row.text(5)),
            ownerAccount: row.text(6),
            claimBeganAt: row.integer(7),
            enabled: row.integer(8) != 0,
            remainingLife: row.real(9) ?? 0,
            onClickCallback: row.text(10),
            healthMonitorCallback: row.text(11)
        )
    }

    static func tags(_ db: Database, _ deviceId: String) throws -> [String: String] {
        var tags: [String: String] = [:]
        try rows(db, sql: "SELECT key, value FROM device_tag WHERE deviceId = ?", [.text(deviceId)]) { row in
            if let key = row.text(0) { tags[key] = row.text(1) ?? "" }
        }
        return tags
    }

    static func replaceTags(_ db: Database, _ deviceId: String, _ tags: [String: String]) throws {
        try db.cachedStatement(sql: "DELETE FROM device_tag WHERE deviceId = ?").execute(arguments: [deviceId])
        for (key, value) in tags {
            try db.cachedStatement(sql: "INSERT INTO device_tag (deviceId, key, value) VALUES (?, ?, ?)").execute(arguments: [deviceId, key, value])
        }
    }

    static func encodeMap(_ map: [String: String]) -> String {
        StoredMap.encode(map)
    }

    static func decodeMap(_ text: String?) -> [String: String] {
        StoredMap.decode(text)
    }
}

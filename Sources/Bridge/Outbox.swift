import ClaimService
import Foundation
import GRDB
import GRDBSQLite
import Logging
import OneClick
import Presses

/// The durable queue between the detector and the publisher: every press is committed here before
/// anything is sent, and leaves only when the service has acknowledged it.
///
/// One SQLite file in the state dir, WAL with `synchronous=FULL`, so a committed press survives a
/// power cut on an SD card. It never drops an event to save space: past `backlogWarningThreshold`
/// waiting events the bridge warns (see `PressRecorder`) and keeps queueing.
public final class Outbox: Sendable {
    /// Waiting events past which the bridge warns loudly. About 2 MB of SQLite: far from filling a
    /// card, but a sign the endpoint has been unreachable for a long time.
    public static let backlogWarningThreshold = 10_000
    public static let fileName = "outbox.sqlite"

    public let path: String
    private let db: DatabaseQueue
    /// What SQLite's recovery of the WAL kept when the outbox was opened for writing (always
    /// `.noWAL` read-only): a loss is logged at critical level and recorded in `walLoss`.
    public let walRecovery: WALWatch.Outcome
    /// See `defaultGestureJournalLimit`; smaller in tests.
    let gestureJournalLimit: Int64

    /// Opens (creating if needed) the outbox in `stateDir`. It is readable by the state dir's
    /// group (0640, with its `-wal` and `-shm`), so `status` works for members of that group.
    public convenience init(stateDir: String, logger: Logger = Logger(label: "clickbridge.outbox")) throws {
        try StateFiles.makeDirectory(stateDir)
        let path = (stateDir as NSString).appendingPathComponent(Outbox.fileName)
        try StateFiles.prepare(path, mode: StateFiles.sharedMode, sqlite: true)
        try self.init(path: path, logger: logger)
    }

    /// `readOnly`: for `status`, which may only read it (as a member of the daemon's group), and
    /// must neither create nor change it.
    public convenience init(path: String, readOnly: Bool = false, logger: Logger = Logger(label: "clickbridge.outbox")) throws {
        try self.init(path: path, readOnly: readOnly, logger: logger, gestureJournalLimit: Outbox.defaultGestureJournalLimit)
    }

    init(path: String, readOnly: Bool = false, logger: Logger = Logger(label: "clickbridge.outbox"), gestureJournalLimit: Int64) throws {
        self.gestureJournalLimit = max(1, gestureJournalLimit)
        var config = Configuration()
        config.readonly = readOnly
        // `status` reads while `run` writes; wait for a short write rather than fail.
        config.busyMode = .timeout(5)
        if !readOnly {
            config.prepareDatabase { db in
                // Persistent WAL keeps -wal and -shm when the daemon closes the file: a reader that
                // may not create them (status, as a member of the daemon's group) needs them to
                // exist, running daemon or not.
                var persist: CInt = 1
                let code = sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, &persist)
                guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
                // Set here rather than with `config.journalMode = .wal`, whose setup lowers
                // `synchronous` to NORMAL; FULL is per connection, so it belongs here too.
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        self.path = path
        guard !readOnly else {
            db = try DatabaseQueue(path: path, configuration: config)
            walRecovery = .noWAL
            return
        }
        // The WAL is read before the first connection, which recovers it (WALWatch).
        (db, walRecovery) = try WALWatch.open(databasePath: path) { try DatabaseQueue(path: path, configuration: config) }
        try Outbox.migrator.migrate(db)
        try noteRecovery(logger: logger)
    }

    /// Logs and records what the WAL's recovery dropped, then empties the WAL of it.
    private func noteRecovery(logger: Logger) throws {
        let saved = walRecovery.savedWAL.map { " The WAL as it was is saved as \($0)." } ?? ""
        if let loss = walRecovery.loss {
            let record = loss.record()
            try db.write { db in
                try db.execute(sql: """
                    INSERT INTO walLoss (detectedAt, file, recoveredFrames, committedFrames, droppedTransactions, lostPages)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [record.detectedAt, record.file, record.recoveredFrames, record.committedFrames,
                                     record.droppedTransactions, record.lostPages])
            }
            logger.critical("DATA LOSS: \(loss). Presses queued in those transactions are gone, and an acknowledged one may be sent again (the service answers it as a duplicate); dead letters may be missing. The bridge keeps running on what remains.\(saved) `clickbridge status` shows it.")
        } else if let dropped = walRecovery.droppedButCheckpointed {
            logger.warning("the outbox's write-ahead log was damaged, but what SQLite dropped had already reached the database: nothing was lost (\(dropped)).\(saved)")
        }
        if walRecovery.truncateWAL {
            // What SQLite dropped is still in the WAL behind the new frames, with the current salts:
            // checkpoint it all and empty the WAL, so the next start does not report it again.
            // Best effort: failing would only repeat the report at the next start.
            _ = try? db.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
    }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    eventId TEXT NOT NULL UNIQUE,
                    deviceId TEXT NOT NULL,
                    button TEXT NOT NULL,
                    clickType TEXT NOT NULL CHECK (clickType IN ('SINGLE', 'DOUBLE', 'LONG')),
                    reportedTime TEXT NOT NULL,
                    enqueuedAt REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT
                );
                CREATE INDEX event_by_device ON event(deviceId, seq);
                CREATE TABLE deadLetter (
                    seq INTEGER PRIMARY KEY,
                    eventId TEXT NOT NULL UNIQUE,
                    deviceId TEXT NOT NULL,
                    button TEXT NOT NULL,
                    clickType TEXT NOT NULL,
                    reportedTime TEXT NOT NULL,
                    enqueuedAt REAL NOT NULL,
                    attempts INTEGER NOT NULL,
                    failedAt REAL NOT NULL,
                    status INTEGER NOT NULL,
                    code TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                """)
        }
        m.registerMigration("v2-wal-loss") { db in
            try db.execute(sql: """
                -- Each time SQLite's recovery of the WAL at start dropped committed transactions (a
                -- damaged WAL): when (ISO-8601 UTC), frames kept and committed, what was lost.
                CREATE TABLE walLoss (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    detectedAt TEXT NOT NULL,
                    file TEXT NOT NULL,
                    recoveredFrames INTEGER NOT NULL,
                    committedFrames INTEGER NOT NULL,
                    droppedTransactions INTEGER NOT NULL,
                    lostPages INTEGER NOT NULL
                );
                """)
        }
        m.registerMigration("v3-gestures") { db in
            try db.execute(sql: """
                -- Every gesture decided (issue 13), each with its own event id and reportedTime.
                -- SINGLE, DOUBLE and LONG also get a row in event, with the same eventId, for the
                -- 1-Click service; the others never do, since the service's clickType has no value
                -- for them. Nothing waits on this table: it is the record that the gesture was
                -- committed before its actions ran, trimmed to the newest gestureJournalLimit rows.
                CREATE TABLE gesture (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    eventId TEXT NOT NULL UNIQUE,
                    deviceId TEXT NOT NULL,
                    button TEXT NOT NULL,
                    gesture TEXT NOT NULL CHECK (gesture IN (\(Gesture.Name.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")))),
                    count INTEGER,
                    heldForNanoseconds INTEGER,
                    reportedTime TEXT NOT NULL,
                    enqueuedAt REAL NOT NULL
                );
                """)
        }
        return m
    }

    /// The newest gestures the `gesture` table keeps. It is a record, not a queue (the 1-Click
    /// events wait in `event`, which is never trimmed), so its size stays bounded on a card.
    public static let defaultGestureJournalLimit: Int64 = 10_000

    /// The latest loss on record, if any (an outbox from before v2 has none).
    public func dataLoss() throws -> StoreDataLoss? {
        try db.read { db in
            guard try db.tableExists("walLoss") else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM walLoss ORDER BY seq DESC LIMIT 1").map { row in
                StoreDataLoss(detectedAt: row["detectedAt"], file: row["file"], recoveredFrames: row["recoveredFrames"],
                              committedFrames: row["committedFrames"], droppedTransactions: row["droppedTransactions"],
                              lostPages: row["lostPages"])
            }
        }
    }

    /// Commits one gesture with a fresh UUID as its event id; returns it once it is on disk.
    /// SINGLE, DOUBLE and LONG are queued for the service in the same transaction (`queued`);
    /// the other gestures are only recorded, so they are never published nor dead-lettered.
    @discardableResult
    public func commit(deviceId: String, button: String, gesture: Gesture, reportedTime: String,
                       now: Double = WireTimestamp.now().secondsSinceEpoch) throws -> CommittedGesture {
        let eventId = UUID.random().lowercasedString
        return try db.write { db in
            try db.execute(sql: """
                INSERT INTO gesture (eventId, deviceId, button, gesture, count, heldForNanoseconds, reportedTime, enqueuedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [eventId, deviceId, button, gesture.name.rawValue, gesture.count, gesture.heldFor?.nanoseconds,
                                 reportedTime, now])
            let journalSeq = db.lastInsertedRowID
            try db.execute(sql: "DELETE FROM gesture WHERE seq <= ?", arguments: [journalSeq - gestureJournalLimit])
            var queued: OutboxEvent?
            if let clickType = gesture.clickType {
                try db.execute(sql: """
                    INSERT INTO event (eventId, deviceId, button, clickType, reportedTime, enqueuedAt) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [eventId, deviceId, button, clickType.rawValue, reportedTime, now])
                queued = OutboxEvent(seq: db.lastInsertedRowID, eventId: eventId, deviceId: deviceId, button: button,
                                     clickType: clickType, reportedTime: reportedTime, enqueuedAt: now, attempts: 0)
            }
            return CommittedGesture(eventId: eventId, deviceId: deviceId, button: button, gesture: gesture,
                                    reportedTime: reportedTime, enqueuedAt: now, queued: queued)
        }
    }

    /// Commits one 1-Click press (see `commit`); returns its queued event.
    @discardableResult
    public func enqueue(deviceId: String, button: String, clickType: ClickType, reportedTime: String,
                        now: Double = WireTimestamp.now().secondsSinceEpoch) throws -> OutboxEvent {
        // A 1-Click click type is always queued.
        try commit(deviceId: deviceId, button: button, gesture: Gesture(clickType), reportedTime: reportedTime, now: now).queued!
    }

    /// The newest committed gestures of every kind (at most `defaultGestureJournalLimit` are kept), oldest first.
    public func committedGestures(limit: Int = 1000) throws -> [CommittedGesture] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT gesture.*, event.seq AS eventSeq, event.clickType, event.attempts
                FROM gesture LEFT JOIN event ON event.eventId = gesture.eventId
                ORDER BY gesture.seq DESC LIMIT ?
                """, arguments: [limit]).reversed().map { row in
                let name = Gesture.Name(rawValue: row["gesture"]) ?? .single
                let count: Int? = row["count"]
                let held: Int64? = row["heldForNanoseconds"]
                // The table's CHECK constraint admits only the names.
                let gesture = Gesture(name, heldFor: Span(nanoseconds: held ?? 0), repeatCount: count ?? 1)
                let queued: OutboxEvent? = (row["eventSeq"] as Int64?).map { seq in
                    OutboxEvent(seq: seq, eventId: row["eventId"], deviceId: row["deviceId"], button: row["button"],
                                clickType: ClickType(rawValue: row["clickType"]) ?? .single, reportedTime: row["reportedTime"],
                                enqueuedAt: row["enqueuedAt"], attempts: row["attempts"])
                }
                return CommittedGesture(eventId: row["eventId"], deviceId: row["deviceId"], button: row["button"], gesture: gesture,
                                        reportedTime: row["reportedTime"], enqueuedAt: row["enqueuedAt"], queued: queued)
            }
        }
    }


    /// Devices with waiting events, configured or not: a config change loses nothing.
    public func pendingDevices() throws -> [String] {
        try db.read { db in
            try String.fetchAll(db, sql: "SELECT deviceId FROM event GROUP BY deviceId ORDER BY MIN(seq)")
        }
    }

    /// The device's oldest waiting event: the only one that may be sent, to keep per-device order.
    public func head(of deviceId: String) throws -> OutboxEvent? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM event WHERE deviceId = ? ORDER BY seq LIMIT 1", arguments: [deviceId])
                .map(Outbox.event)
        }
    }

    /// Every waiting event, oldest first.
    public func pending(limit: Int = 1000) throws -> [OutboxEvent] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY seq LIMIT ?", arguments: [limit]).map(Outbox.event)
        }
    }

    /// The service acknowledged the event: it leaves the outbox.
    public func acknowledge(eventId: String) throws {
        try db.write { db in
            try db.execute(sql: "DELETE FROM event WHERE eventId = ?", arguments: [eventId])
        }
    }

    /// A retryable failure: counted, and its reason kept for `status`.
    public func recordFailure(eventId: String, reason: String) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE event SET attempts = attempts + 1, lastError = ? WHERE eventId = ?", arguments: [reason, eventId])
        }
    }

    /// A non-retryable refusal: the event moves, in one transaction, to the dead letters.
    public func deadLetter(eventId: String, status: Int, code: String, message: String,
                           now: Double = WireTimestamp.now().secondsSinceEpoch) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO deadLetter (seq, eventId, deviceId, button, clickType, reportedTime, enqueuedAt, attempts, failedAt, status, code, message)
                SELECT seq, eventId, deviceId, button, clickType, reportedTime, enqueuedAt, attempts + 1, ?, ?, ?, ? FROM event WHERE eventId = ?
                """, arguments: [now, status, code, message, eventId])
            try db.execute(sql: "DELETE FROM event WHERE eventId = ?", arguments: [eventId])
        }
    }

    public func deadLetters(limit: Int = 100) throws -> [DeadLetter] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deadLetter ORDER BY seq DESC LIMIT ?", arguments: [limit]).map { row in
                DeadLetter(event: Outbox.event(row), failedAt: row["failedAt"], status: row["status"], code: row["code"], message: row["message"])
            }
        }
    }

    public func backlog(now: Double = WireTimestamp.now().secondsSinceEpoch) throws -> Backlog {
        try db.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MIN(enqueuedAt) AS oldest FROM event")!
            let dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deadLetter") ?? 0
            let oldest: Double? = row["oldest"]
            return Backlog(count: row["n"], oldestAge: oldest.map { max(0, now - $0) }, deadLetters: dead)
        }
    }

    private static func event(_ row: Row) -> OutboxEvent {
        // The table's CHECK constraint admits only the three click types, so the fallback is unreachable.
        let clickType = ClickType(rawValue: row["clickType"]) ?? .single
        return OutboxEvent(seq: row["seq"], eventId: row["eventId"], deviceId: row["deviceId"], button: row["button"],
                           clickType: clickType, reportedTime: row["reportedTime"],
                           enqueuedAt: row["enqueuedAt"], attempts: row["attempts"])
    }
}

extension Outbox {
    /// A pragma's value on the outbox's connection (for tests and `status`).
    func pragma(_ name: String) throws -> String? {
        try db.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}

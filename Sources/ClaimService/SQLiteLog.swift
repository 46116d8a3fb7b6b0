import Foundation
import GRDB
import GRDBSQLite
import Logging
import OneClick
import Synchronization

/// SQLite's own log (`sqlite3_config(SQLITE_CONFIG_LOG)`, through GRDB's `Database.logError`),
/// for the whole process. SQLite accepts the hook only before its first connection opens, so
/// `install()` runs first thing in `Store` and `Outbox` (and in the command line's `main`).
///
/// Notices and warnings go to the `clickbridge.sqlite` logger; errors, which statements also
/// report to their callers, go there at debug level, so they are not told twice. WAL recovery
/// notices ("recovered N frames from WAL file …") are kept for `WALWatch`.
public enum SQLiteLog {
    /// Whether SQLite calls the hook. False when something in this process opened a SQLite
    /// connection before `install()`: WAL recovery is then judged from the WAL file alone.
    public static var isActive: Bool { installed }

    /// Installs the hook, once. Harmless to call again.
    public static func install() { _ = installed }

    private static let installed: Bool = {
        Database.logError = { code, message in SQLiteLog.receive(code: code, message: message) }
        // SQLite logs every statement that fails to prepare: one such statement on a private
        // in-memory database tells whether the hook is in place. Through SQLite's own calls, not
        // a GRDB DatabaseQueue: releasing one starts a libdispatch worker thread, and with it the
        // worker pool's monitor, which then wakes the idle daemon once a second for good.
        var probe: OpaquePointer?
        if sqlite3_open_v2(":memory:", &probe, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK {
            var statement: OpaquePointer?
            _ = sqlite3_prepare_v2(probe, "SELECT * FROM \(probeTable)", -1, &statement, nil)
            sqlite3_finalize(statement)
        }
        sqlite3_close(probe)
        return state.withLock { $0.probeSeen }
    }()

    private static let probeTable = "clickbridge_sqlite_log_probe"

    struct Recovery: Sendable, Equatable {
        var sequence: Int
        var walPath: String
        var frames: Int
    }

    private struct State {
        var probeSeen = false
        var sequence = 0
        /// The latest recovery notices (a process opens few databases).
        var recoveries: [Recovery] = []
    }

    private static let state = Mutex(State())
    private static let logger = Logger(label: "clickbridge.sqlite")

    static func receive(code: ResultCode, message: String) {
        if message.contains(probeTable) {
            state.withLock { $0.probeSeen = true }
            return
        }
        if code == .SQLITE_NOTICE_RECOVER_WAL, let (frames, walPath) = parseRecovery(message) {
            state.withLock { state in
                state.sequence += 1
                state.recoveries.append(Recovery(sequence: state.sequence, walPath: walPath, frames: frames))
                if state.recoveries.count > 64 { state.recoveries.removeFirst() }
            }
        }
        // Errors reach their callers, which say more (which file, what to do; one line on stderr
        // for a command that fails): here they are only debug.
        // WAL recovery after every unclean stop is routine: `WALWatch` reports what matters in it.
        // Automatic indexes are SQLite's business.
        let level: Logger.Level = switch code {
        case .SQLITE_NOTICE_RECOVER_WAL, .SQLITE_WARNING_AUTOINDEX: .debug
        case _ where code.primaryResultCode == .SQLITE_NOTICE: .notice
        case _ where code.primaryResultCode == .SQLITE_WARNING: .warning
        default: .debug
        }
        logger.log(level: level, "SQLite \(code.rawValue): \(message)")
    }

    /// "recovered 12 frames from WAL file /path/x.sqlite-wal" → (12, "/path/x.sqlite-wal").
    static func parseRecovery(_ message: String) -> (Int, String)? {
        let prefix = "recovered ", middle = " frames from WAL file "
        guard message.hasPrefix(prefix), let range = message.range(of: middle),
              let frames = Int(message[message.index(message.startIndex, offsetBy: prefix.count)..<range.lowerBound])
        else { return nil }
        return (frames, String(message[range.upperBound...]))
    }

    /// The sequence number of the latest recovery notice, to look only at later ones.
    static func mark() -> Int { state.withLock { $0.sequence } }

    /// Frames SQLite said it recovered from `walPath` after `mark`, if it said so.
    static func recoveredFrames(walPath: String, after mark: Int) -> Int? {
        let wanted = Set([walPath, realPath(walPath)].compactMap { $0 })
        return state.withLock { state in
            state.recoveries.last { $0.sequence > mark && (wanted.contains($0.walPath) || wanted.contains(realPath($0.walPath) ?? "")) }?.frames
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Opens a SQLite database in WAL mode while watching what SQLite's recovery of its WAL keeps.
///
/// Before the first connection opens, the WAL is read (`WALInspection`): which frames carry a
/// commit, and which SQLite will keep given their checksums. After the open, the recovery
/// notice in SQLite's log says how many frames SQLite kept (the WAL's own reading stands in
/// when there was none: no hook, or recovery already done by another process). Committed
/// frames that were dropped and whose pages exist nowhere else are a loss.
///
/// When frames were dropped, the WAL as it was is saved beside it (`…-wal.damaged-<time>`:
/// what was lost may be read back from it by hand), and the caller should checkpoint with
/// TRUNCATE once it has written what it must (`Outcome.truncateWAL`). Otherwise the dropped frames
/// stay in the file behind the new ones, still carrying the current salts, and would be taken
/// for a new loss at the next start.
public enum WALWatch {
    public struct Outcome: Sendable, Equatable {
        /// Frames SQLite kept from the WAL (0 when the WAL had none or there was no WAL).
        public var recoveredFrames: Int
        /// Whether SQLite's log said so (else the WAL's own reading).
        public var reportedBySQLite: Bool
        /// Committed transactions dropped by the recovery whose pages are not as committed.
        public var loss: WALLoss?
        /// Committed frames dropped although a checkpoint had already copied their pages.
        public var droppedButCheckpointed: WALLoss?
        /// Where the WAL was saved as it was before the recovery, when frames were dropped.
        public var savedWAL: String?

        /// Whether committed frames were dropped: the caller checkpoints with TRUNCATE.
        public var truncateWAL: Bool { loss != nil || droppedButCheckpointed != nil }

        /// No WAL, or nothing in it to recover.
        public static let noWAL = Outcome(recoveredFrames: 0, reportedBySQLite: false, loss: nil, droppedButCheckpointed: nil, savedWAL: nil)
    }

    /// Runs `open` (which opens `databasePath`) and judges the recovery of its WAL.
    public static func open<T>(databasePath: String, now: Date = Date(), _ open: () throws -> T) rethrows -> (T, Outcome) {
        SQLiteLog.install()
        let inspection = WALInspection.inspect(databasePath: databasePath)
        let mark = SQLiteLog.mark()
        let value = try open()
        guard let inspection else { return (value, .noWAL) }
        let reported = SQLiteLog.recoveredFrames(walPath: inspection.walPath, after: mark)
        // No notice: SQLite recovered nothing (it logs only a recovery that kept frames), or
        // did not recover here. The WAL's own reading tells which.
        let recovered = reported ?? inspection.validFrames
        var outcome = Outcome(recoveredFrames: recovered, reportedBySQLite: reported != nil, loss: nil,
                              droppedButCheckpointed: nil, savedWAL: nil)
        guard let dropped = inspection.loss(recovered: recovered) else { return (value, outcome) }
        if dropped.lostData { outcome.loss = dropped } else { outcome.droppedButCheckpointed = dropped }
        outcome.savedWAL = save(inspection, at: now)
        return (value, outcome)
    }

    /// Writes the WAL as inspected to `<wal>.damaged-<UTC time>`, private; nil if it cannot.
    static func save(_ inspection: WALInspection, at now: Date) -> String? {
        var t = time_t(now.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        let stamp = String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                           parts.tm_hour, parts.tm_min, parts.tm_sec)
        let path = inspection.walPath + ".damaged-" + stamp
        guard FileManager.default.createFile(atPath: path, contents: Data(inspection.bytes),
                                             attributes: [.posixPermissions: Int(StateFiles.privateMode)]) else { return nil }
        return path
    }
}

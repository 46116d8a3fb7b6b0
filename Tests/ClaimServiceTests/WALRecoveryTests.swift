import Foundation
import GRDB
import OneClick
import TestSupport
import Testing

@testable import ClaimService

/// A damaged WAL must not lose data silently. SQLite's recovery stops at the first frame whose
/// checksum is wrong and drops everything after it without an error (and `quick_check` passes).
/// The service reads the WAL before opening it, compares with what SQLite says it recovered,
/// logs a loss at critical level, records it, and shows it in the registration view `status` reads.
@Suite(.serialized) struct WALRecoveryTests {
    /// The database and its WAL as they are on disk now, copied to a new directory: what a power
    /// cut would leave (the -shm is rebuilt by the recovery).
    static func snapshot(of directory: String) throws -> String {
        let copy = temporaryDirectory()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: directory + "/" + Store.fileName + suffix) {
            try FileManager.default.copyItem(atPath: directory + "/" + Store.fileName + suffix, toPath: copy + "/" + Store.fileName + suffix)
        }
        return copy
    }

    /// Flips bytes in the page of frame `frame` (1-based; 0 for the last) of the WAL.
    static func damage(wal path: String, frame: Int = 0) throws {
        var bytes = try #require(FileManager.default.contents(atPath: path).map(Array.init))
        let pageSize = Int(WALInspection.be32(bytes, 8))
        let frames = (bytes.count - 32) / (24 + pageSize)
        let index = frame == 0 ? frames : frame
        let at = 32 + (index - 1) * (24 + pageSize) + 24 + pageSize / 2
        for i in at..<(at + 16) { bytes[i] ^= 0xA5 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func core(_ directory: String, logs: CapturedLogs) throws -> ClaimServiceCore {
        try ClaimServiceCore(configuration: ClaimServiceConfiguration(stateDirectory: directory, authenticator: RejectAll()),
                             logger: logs.logger(label: "clickbridge.service"))
    }

    func events(_ core: ClaimServiceCore) async throws -> [String] {
        try await core.sqlite.read { db in try String.fetchAll(db, sql: "SELECT eventId FROM event ORDER BY seq") }
    }

    func registration(_ core: ClaimServiceCore, _ id: String) async throws -> DeviceRegistrationStatus {
        let reply = try await core.handle(.describeRegistration(deviceId: id), OperationInput(
            caller: bridgeA, query: QueryParameters(pairs: []), body: [], now: WireTimestamp.now().microseconds))
        return try JSONDecoder().decode(DeviceRegistrationStatus.self, from: Data(reply.body ?? []))
    }

    @Test func aDamagedWALIsACriticalLossThatStatusCanSee() async throws {
        let h = try Harness()
        let id = newDeviceId()
        try await h.register(id)
        var acknowledged: [String] = []
        for _ in 0..<5 {
            let eventId = UUID().uuidString
            try await h.press(id, eventId: eventId)
            acknowledged.append(eventId)
        }
        let copy = try Self.snapshot(of: h.directory)
        let path = copy + "/" + Store.fileName
        let intact = try #require(WALInspection.inspect(databasePath: path))
        #expect(intact.validFrames == intact.lastCommitFrame && intact.validFrames > 0)
        try Self.damage(wal: path + "-wal")   // the last frame: the last press's commit
        let damaged = try #require(WALInspection.inspect(databasePath: path))
        #expect(damaged.validFrames < damaged.lastCommitFrame)

        let logs = CapturedLogs()
        var core: ClaimServiceCore? = try Self.core(copy, logs: logs)
        let recovery = try #require(core?.sqlite.walRecovery)
        #expect(recovery.recoveredFrames == damaged.validFrames)
        #expect(recovery.reportedBySQLite)   // SQLite's count, and the WAL's own reading, agree
        let loss = try #require(recovery.loss)
        #expect(loss.droppedCommits >= 1 && loss.missingPages >= 1)
        // The critical line says what was lost and where the damaged WAL was saved.
        let critical = logs.lines.filter { $0.level == .critical }
        #expect(critical.count == 1)
        let line = try #require(critical.first?.message)
        #expect(line.hasPrefix("DATA LOSS: \(path)-wal: SQLite's recovery kept \(damaged.validFrames) of its \(damaged.lastCommitFrame) committed frames"))
        #expect(line.contains("acknowledged events"))
        let saved = try #require(recovery.savedWAL)
        #expect(line.contains("saved as \(saved)"))
        #expect(FileManager.default.contents(atPath: saved).map(Array.init) == damaged.bytes)
        // The loss is real: the last acknowledged press is gone, and quick_check does not notice.
        let left = try await events(try #require(core))
        #expect(left == Array(acknowledged.dropLast()))
        #expect(try await core?.sqlite.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") } == "ok")
        // The registration view (what `status` asks) carries it.
        let view = try await registration(try #require(core), id)
        let shown = try #require(view.storeDataLoss)
        #expect(shown.file == Store.fileName && shown.droppedTransactions == loss.droppedCommits && shown.lostPages == loss.missingPages)
        #expect(shown.summary.hasPrefix("DATA LOSS found "))

        // Restarted again (cleanly): not reported as a new loss, but still on record.
        core = nil
        let later = CapturedLogs()
        let again = try Self.core(copy, logs: later)
        #expect(again.sqlite.walRecovery.loss == nil)
        #expect(later.lines.allSatisfy { $0.level < .warning })
        #expect(try await registration(again, id).storeDataLoss == shown)
    }

    @Test func aCrashWithAnIntactWALLosesNothingAndSaysNothing() async throws {
        let h = try Harness()
        let id = newDeviceId()
        try await h.register(id)
        for _ in 0..<3 { try await h.press(id) }
        let copy = try Self.snapshot(of: h.directory)
        let inspected = try #require(WALInspection.inspect(databasePath: copy + "/" + Store.fileName))
        let logs = CapturedLogs()
        let core = try Self.core(copy, logs: logs)
        // SQLite recovered every committed frame, and said so in its log.
        #expect(inspected.validFrames == inspected.lastCommitFrame)
        #expect(core.sqlite.walRecovery == WALWatch.Outcome(recoveredFrames: inspected.lastCommitFrame,
                                                           reportedBySQLite: true, loss: nil,
                                                           droppedButCheckpointed: nil, savedWAL: nil))
        #expect(logs.lines.allSatisfy { $0.level < .warning })
        #expect(try await events(core).count == 3)
        #expect(try await registration(core, id).storeDataLoss == nil)
    }

    /// Frames a checkpoint had already copied into the database are not lost when SQLite drops
    /// them: a warning, not a loss.
    @Test func damageToFramesAlreadyCheckpointedLosesNothing() async throws {
        let h = try Harness()
        let id = newDeviceId()
        try await h.register(id)
        for _ in 0..<3 { try await h.press(id) }
        _ = try await h.core.sqlite.pool.writeWithoutTransaction { db in try db.checkpoint(.full) }
        let copy = try Self.snapshot(of: h.directory)
        try Self.damage(wal: copy + "/" + Store.fileName + "-wal", frame: 1)
        let logs = CapturedLogs()
        let core = try Self.core(copy, logs: logs)
        #expect(core.sqlite.walRecovery.recoveredFrames == 0)
        #expect(core.sqlite.walRecovery.loss == nil)
        #expect(core.sqlite.walRecovery.droppedButCheckpointed != nil)
        #expect(logs.lines.contains { $0.level == .warning && $0.message.contains("nothing was lost") })
        #expect(!logs.lines.contains { $0.level == .critical })
        #expect(try await events(core).count == 3)
    }

    @Test func sqlitesRecoveryNoticeIsRead() throws {
        // Every SQLite connection of the test process is opened after SQLiteLog.install().
        #expect(SQLiteLog.isActive)
        #expect(SQLiteLog.parseRecovery("recovered 12 frames from WAL file /a b/x.sqlite-wal").map { "\($0.0) \($0.1)" }
                == "12 /a b/x.sqlite-wal")
        #expect(SQLiteLog.parseRecovery("recovered frames") == nil)
    }
}

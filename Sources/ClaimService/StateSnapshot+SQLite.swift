import Foundation
import GRDB

/// Why a state dir could not be read: one line, saying what to do.
package struct StateSnapshotFailure: Error, Sendable, CustomStringConvertible {
    package let description: String
}

extension StateSnapshot {
    /// Reads every table of the claim service's SQLite file in `directory` without changing it:
    /// the file is opened read-only and copied into memory, and an older schema is migrated there,
    /// never in the file. Refuses a directory without the file, a file that is not the service's,
    /// and a schema newer than this binary knows. `now` (µs) decides which signatures still matter.
    package static func read(stateDirectory directory: String, now: Int64) throws(StateSnapshotFailure) -> StateSnapshot {
        let path = directory + "/" + Store.fileName
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StateSnapshotFailure(description: "\(directory) is not a directory: give the state dir of the Pi's service (--state-dir of serve, stateDir of run)")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw StateSnapshotFailure(description: "\(directory) is not a ClickBridge state dir: it has no \(Store.fileName)")
        }
        do {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(10)
            let source = try DatabaseQueue(path: path, configuration: config)
            let applied = try source.read { db -> [String]? in
                guard try db.tableExists("grdb_migrations") else { return nil }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            guard let applied else {
                throw StateSnapshotFailure(description: "\(path) is not a ClickBridge claim service database: it has no schema version")
            }
            let known = StoreMigrations.migrator.migrations
            let unknown = applied.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw StateSnapshotFailure(description: "\(path) has schema version \(unknown.joined(separator: ", ")), newer than this clickbridge knows (up to \(known.last ?? "none")): copy it with the clickbridge that wrote it")
            }
            // In memory, so that migrating an older schema never touches the Pi's file.
            let copy = try DatabaseQueue()
            try source.backup(to: copy)
            try StoreMigrations.migrator.migrate(copy)
            return try copy.read { db in try snapshot(db, now: now) }
        } catch let failure as StateSnapshotFailure {
            throw failure
        } catch {
            throw StateSnapshotFailure(description: Store.openFailure(directory: directory, error: error))
        }
    }

    private static func snapshot(_ db: Database, now: Int64) throws -> StateSnapshot {
        var state = StateSnapshot()
        state.devices = try Row.fetchAll(db, sql: """
            SELECT deviceId, type, boundPrincipal, boundAccount, claimCode, attributes, ownerAccount, claimBeganAt, enabled,
                   remainingLife, remainingLifeKnown, onClickCallback, healthMonitorCallback, createdAt
            FROM device ORDER BY deviceId
            """).map { row in
            Device(deviceId: row[0], type: row[1], boundPrincipal: row[2], boundAccount: row[3], claimCode: row[4],
                   attributes: row[5], ownerAccount: row[6], claimBeganAt: row[7], enabled: row[8], remainingLife: row[9],
                   remainingLifeKnown: row[10], onClickCallback: row[11], healthMonitorCallback: row[12], createdAt: row[13])
        }
        state.claimInitiations = try Row.fetchAll(db, sql: "SELECT deviceId, accountId, initiatedAt FROM claim_initiation ORDER BY deviceId, accountId")
            .map { ClaimInitiation(deviceId: $0[0], accountId: $0[1], initiatedAt: $0[2]) }
        state.tags = try Row.fetchAll(db, sql: "SELECT deviceId, key, value FROM device_tag ORDER BY deviceId, key")
            .map { Tag(deviceId: $0[0], key: $0[1], value: $0[2]) }
        state.events = try Row.fetchAll(db, sql: """
            SELECT seq, eventId, deviceId, clickType, reportedTime, remainingLife, remainingLifeReported, receivedAt, enabledAtReceipt
            FROM event ORDER BY seq
            """).map { row in
            Event(seq: row[0], eventId: row[1], deviceId: row[2], clickType: row[3], reportedTime: row[4], remainingLife: row[5],
                  remainingLifeReported: row[6], receivedAt: row[7], enabledAtReceipt: row[8])
        }
        let highWater = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'") ?? 0
        state.eventSeqHighWater = max(highWater, state.events.last?.seq ?? 0)
        state.deliveries = try Row.fetchAll(db, sql: """
            SELECT deviceId, eventId, eventSeq, url, body, state, attempts, lastError, lastStatus, createdAt, settledAt
            FROM callback_delivery ORDER BY eventSeq
            """).map { row in
            Delivery(deviceId: row[0], eventId: row[1], eventSeq: row[2], url: row[3], body: Array(row[4] as Data), state: row[5],
                     attempts: row[6], lastError: row[7], lastStatus: row[8], createdAt: row[9], settledAt: row[10])
        }
        state.avsRegistrations = try Row.fetchAll(db, sql: """
            SELECT accountId, deviceKey, deviceArn, clientId, userCode, productId, serialNumber, amazonId, roomArn, tags, registeredAt
            FROM avs_device ORDER BY accountId, deviceKey
            """).map { row in
            AVSRegistration(accountId: row[0], deviceKey: row[1], deviceArn: row[2], clientId: row[3], userCode: row[4],
                            productId: row[5], serialNumber: row[6], amazonId: row[7], roomArn: row[8], tags: row[9],
                            registeredAt: row[10])
        }
        state.usedSignatures = try Row.fetchAll(db, sql: """
            SELECT signature, usedAt, validUntil FROM used_signature WHERE validUntil > ? ORDER BY signature
            """, arguments: [now]).map { UsedSignature(signature: $0[0], usedAt: $0[1], validUntil: $0[2]) }
        return state
    }
}

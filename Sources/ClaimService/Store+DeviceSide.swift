import GRDB
import OneClick

/// A validated device event as the device side sends it.
package struct IncomingEvent: Sendable, Equatable {
    package var eventId: String
    package var clickType: String
    /// µs since the epoch.
    package var reportedTime: Int64
    package var remainingLife: Double?
}

package struct IngestOutcome: Sendable, Equatable {
    /// The event was already stored (a resend): nothing was written.
    package var duplicate: Bool
    /// A click callback was queued: the deliverer has work.
    package var callbackQueued: Bool

    package init(duplicate: Bool, callbackQueued: Bool) {
        self.duplicate = duplicate
        self.callbackQueued = callbackQueued
    }
}

/// The device side: registration and event ingest, bound to the registering principal.
extension Store {
    func register(
        deviceId: String, type: String, claimCode: String?, attributes: [String: String]?, caller: Caller, now: Int64
    ) async throws(ServiceError) {
        try await write { db in
            if let device = try Store.device(db, deviceId) {
                try Store.requireBound(device, caller)
                // A repeat by the same principal updates the claim code and attributes.
                try db.cachedStatement(
                    sql: "UPDATE device SET claimCode = ?, attributes = ? WHERE deviceId = ?").execute(
                    arguments: [claimCode, Store.encodeMap(attributes ?? device.attributes), deviceId]
                )
            } else {
                try Store.insertDevice(db, deviceId: deviceId, type: type, claimCode: claimCode,
                                       attributes: attributes ?? [:], caller: caller, now: now)
            }
        }
    }

    func registrationStatus(deviceId: String, caller: Caller, now: Int64, claimExpiry: Int64) async throws(ServiceError) -> DeviceRegistrationStatus {
        let dataLoss = self.dataLoss
        return try await read { db in
            guard let device = try Store.device(db, deviceId) else { throw ServiceError.noSuchDevice(deviceId) }
            try Store.requireBound(device, caller)
            let state: ClaimState
            if device.ownerAccount != nil {
                state = .claimed
            } else if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM claim_initiation WHERE deviceId = ? AND initiatedAt >= ?)"),
                                        arguments: [deviceId, now - claimExpiry]) ?? false {
                state = .claimInitiated
            } else {
                state = .unclaimed
            }
            return DeviceRegistrationStatus(deviceId: deviceId, claimState: state, enabled: device.enabled, claimCode: device.claimCode,
                                            storeDataLoss: dataLoss)
        }
    }

    /// Stores the event once, and in the same transaction queues its click callback if one is due.
    /// Returns only after the commit.
    func ingest(deviceId: String, event: IncomingEvent, caller: Caller, now: Int64) async throws(ServiceError) -> IngestOutcome {
        try await write { db in
            var device: DeviceRecord
            if let existing = try Store.device(db, deviceId) {
                try Store.requireBound(existing, caller)
                device = existing
            } else {
                try Store.insertDevice(db, deviceId: deviceId, type: "button", claimCode: nil, attributes: [:], caller: caller, now: now)
                device = try Store.device(db, deviceId)!
            }
            // Event ids are per device: the same id on another device is another event, and says
            // nothing about that device.
            if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM event WHERE deviceId = ? AND eventId = ?"),
                                          arguments: [deviceId, event.eventId]) {
                let reported: Bool = row["remainingLifeReported"]
                let same = (row["clickType"] as String) == event.clickType
                    && (row["reportedTime"] as Int64) == event.reportedTime
                    && reported == (event.remainingLife != nil)
                    && (!reported || (row["remainingLife"] as Double) == event.remainingLife)
                guard same else {
                    throw ServiceError.conflict("event \(event.eventId) of \(deviceId) was already received with a different body: give each event its own id")
                }
                return IngestOutcome(duplicate: true, callbackQueued: false)
            }
            let life = event.remainingLife ?? device.remainingLife
            try db.cachedStatement(sql: """
                INSERT INTO event (eventId, deviceId, clickType, reportedTime, remainingLife, remainingLifeReported,
                                   receivedAt, enabledAtReceipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [event.eventId, deviceId, event.clickType, event.reportedTime, life,
                                 event.remainingLife != nil, now, device.enabled])
            let seq = db.lastInsertedRowID
            var lifeKnown = event.remainingLife != nil
            if lifeKnown {
                try db.cachedStatement(sql: "UPDATE device SET remainingLife = ?, remainingLifeKnown = 1 WHERE deviceId = ?").execute(
                               arguments: [life, deviceId])
            } else {
                lifeKnown = try Bool.fetchOne(db.cachedStatement(sql: "SELECT remainingLifeKnown FROM device WHERE deviceId = ?"),
                                              arguments: [deviceId]) ?? false
            }
            let queued = try Store.queueCallback(db, device: device, event: event, eventSeq: seq,
                                                 remainingLife: lifeKnown ? life : nil, now: now)
            return IngestOutcome(duplicate: false, callbackQueued: queued)
        }
    }

    /// Deletes events received before `cutoff` (µs); returns how many.
    func pruneEvents(receivedBefore cutoff: Int64) async throws(ServiceError) -> Int {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM event WHERE receivedAt < ?").execute(arguments: [cutoff])
            let events = db.changesCount
            // Settled delivery records age out with their events; a pending one is kept until it settles.
            try db.cachedStatement(sql: "DELETE FROM callback_delivery WHERE createdAt < ? AND state != 'pending'").execute(arguments: [cutoff])
            return events
        }
    }

    static func requireBound(_ device: DeviceRecord, _ caller: Caller) throws(ServiceError) {
        try ClaimRules.requireBound(device, caller)
    }

    static func insertDevice(
        _ db: Database, deviceId: String, type: String, claimCode: String?, attributes: [String: String], caller: Caller, now: Int64
    ) throws {
        try db.cachedStatement(sql: """
            INSERT INTO device (deviceId, type, boundPrincipal, boundAccount, claimCode, attributes, createdAt)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [deviceId, type, caller.principal, caller.accountId, claimCode, encodeMap(attributes), now])
    }
}

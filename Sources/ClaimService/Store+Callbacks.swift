import Foundation
import GRDB
import OneClick

/// Click-callback deliveries: queued in the event's transaction, then settled one by one by the
/// `CallbackDeliverer`.
extension Store {
    /// Inside `ingest`'s transaction: queues the event for the owner's callback when the device
    /// is claimed, enabled and has a callback URL. Returns whether it queued one.
    static func queueCallback(
        _ db: Database, device: DeviceRecord, event: IncomingEvent, eventSeq: Int64, remainingLife: Double?, now: Int64
    ) throws -> Bool {
        guard let due = CallbackDelivery.due(device: device, event: event, remainingLife: remainingLife) else { return false }
        try db.cachedStatement(sql: """
            INSERT INTO callback_delivery (eventId, eventSeq, deviceId, url, body, createdAt) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.eventId, eventSeq, device.deviceId, due.url, Data(due.body), now])
        return true
    }

    /// Devices with a pending delivery, in the order their oldest one was queued.
    func devicesWithPendingCallbacks() async throws(ServiceError) -> [String] {
        try await read { db in
            try String.fetchAll(db.cachedStatement(sql: """
                SELECT deviceId FROM callback_delivery WHERE state = 'pending' GROUP BY deviceId ORDER BY MIN(eventSeq)
                """))
        }
    }

    /// One instance per file: the oldest pending delivery is always this one's.
    func leaseNextCallback(deviceId: String, now: Int64, leaseFor: Int64) async throws(ServiceError) -> CallbackLease {
        try await nextPendingCallback(deviceId: deviceId).map(CallbackLease.leased) ?? .none
    }

    /// The device's oldest pending delivery.
    func nextPendingCallback(deviceId: String) async throws(ServiceError) -> CallbackDelivery? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM callback_delivery WHERE state = 'pending' AND deviceId = ? ORDER BY eventSeq LIMIT 1
                """), arguments: [deviceId]).map(Store.callbackDelivery)
        }
    }

    /// Event ids are unique per device only: without a device, the first delivery found with that id.
    func callbackDelivery(eventId: String, deviceId: String?) async throws(ServiceError) -> CallbackDelivery? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM callback_delivery WHERE eventId = ? AND deviceId = IFNULL(?, deviceId)"),
                             arguments: [eventId, deviceId]).map(Store.callbackDelivery)
        }
    }

    /// Records one attempt: its count, answer and error, and the new state (settled unless pending).
    func recordCallbackAttempt(
        deviceId: String, eventId: String, state: CallbackDelivery.State, attempts: Int, status: Int?, error: String?, now: Int64
    ) async throws(ServiceError) {
        try await write { db in
            try db.cachedStatement(sql: """
                UPDATE callback_delivery SET state = ?, attempts = ?, lastStatus = ?, lastError = ?, settledAt = ?
                WHERE deviceId = ? AND eventId = ?
                """).execute(arguments: [state.rawValue, attempts, status, error, state == .pending ? nil : now, deviceId, eventId])
        }
    }

    static func callbackDelivery(_ row: Row) -> CallbackDelivery {
        CallbackDelivery(
            eventId: row["eventId"],
            eventSeq: row["eventSeq"],
            deviceId: row["deviceId"],
            url: row["url"],
            body: Array((row["body"] as Data?) ?? Data()),
            state: CallbackDelivery.State(rawValue: row["state"]) ?? .pending,
            attempts: row["attempts"],
            lastError: row["lastError"],
            lastStatus: row["lastStatus"],
            createdAt: row["createdAt"],
            settledAt: row["settledAt"]
        )
    }
}

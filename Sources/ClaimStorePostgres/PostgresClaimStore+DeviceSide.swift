import ClaimService
import Logging
import OneClick
import PostgresNIO

/// The device side: registration and event ingest, bound to the registering principal.
extension PostgresClaimStore {
    package func register(
        deviceId: String, type: String, claimCode: String?, attributes: [String: String]?, caller: Caller, now: Int64
    ) async throws(ServiceError) {
        try await write { connection, logger in
            if let device = try await Self.device(connection, deviceId, logger: logger, forUpdate: true) {
                try ClaimRules.requireBound(device, caller)
                // A repeat by the same principal updates the claim code and attributes.
                let stored = StoredMap.encode(attributes ?? device.attributes)
                try await connection.query("""
                    UPDATE device SET claim_code = \(claimCode), attributes = \(stored) WHERE device_id = \(deviceId)
                    """, logger: logger)
            } else {
                try await Self.insertDevice(connection, deviceId: deviceId, type: type, claimCode: claimCode,
                                            attributes: attributes ?? [:], caller: caller, now: now, logger: logger)
            }
        }
    }

    package func registrationStatus(deviceId: String, caller: Caller, now: Int64,
                                   claimExpiry: Int64) async throws(ServiceError) -> DeviceRegistrationStatus {
        try await read { connection, logger in
            guard let device = try await Self.device(connection, deviceId, logger: logger) else { throw ServiceError.noSuchDevice(deviceId) }
            try ClaimRules.requireBound(device, caller)
            let state: ClaimState
            if device.ownerAccount != nil {
                state = .claimed
            } else if try await Self.scalar(connection, """
                SELECT EXISTS (SELECT 1 FROM claim_initiation WHERE device_id = \(deviceId) AND initiated_at >= \(now - claimExpiry))
                """, as: Bool.self, logger: logger) ?? false {
                state = .claimInitiated
            } else {
                state = .unclaimed
            }
            // No WAL here: PostgreSQL's own recovery reports no partial loss to record.
            return DeviceRegistrationStatus(deviceId: deviceId, claimState: state, enabled: device.enabled,
                                            claimCode: device.claimCode, storeDataLoss: nil)
        }
    }

    /// Stores the event once and, atomically with it, queues its click callback if one is due.
    ///
    /// Not a SERIALIZABLE transaction: every press of a button would then contend for its device
    /// row, and a busy button's events would fail serialization and run again in turn. Instead
    /// two round trips, each a statement of its own:
    /// 1. The device (registered implicitly when unknown), which decides the binding, the
    ///    callback and the remaining life carried over. A change of these committed between the
    ///    two statements is ordered after this event, as if it had come a moment later.
    /// 2. One statement that inserts the event unless its id is already stored (the unique key
    ///    decides between two instances at once: the second waits for the first to commit, then
    ///    inserts nothing), and only then updates the remaining life (when it changed, so a steady
    ///    button's events do not queue on its row) and queues the callback.
    /// When the id is already stored, its row says whether this is a duplicate or a 409.
    package func ingest(deviceId: String, event: IncomingEvent, caller: Caller, now: Int64) async throws(ServiceError) -> IngestOutcome {
        var found = try await statement { connection, logger in try await Self.deviceForIngest(connection, deviceId, logger: logger) }
        if found == nil {
            try await statement { connection, logger in
                try await Self.insertDeviceIfMissing(connection, deviceId: deviceId, caller: caller, now: now, logger: logger)
            }
            found = try await statement { connection, logger in try await Self.deviceForIngest(connection, deviceId, logger: logger) }
        }
        guard let (device, lifeWasKnown) = found else {
            throw ServiceError(.internalFailure, "device \(deviceId) vanished while its event was stored: retry")
        }
        try ClaimRules.requireBound(device, caller)
        let reported = event.remainingLife != nil
        let life = event.remainingLife ?? device.remainingLife
        let lifeKnown = reported || lifeWasKnown
        let due = CallbackDelivery.due(device: device, event: event, remainingLife: lifeKnown ? life : nil)
        // A ByteBuffer is bytea; [UInt8] would be sent as an array of "char".
        let body = due.map { ByteBuffer(bytes: $0.body) }
        let storeEvent = PostgresHotStatements.StoreEvent(
            eventId: event.eventId, deviceId: deviceId, clickType: event.clickType, reportedTime: event.reportedTime,
            remainingLife: life, reported: reported, now: now, enabled: device.enabled, callbackURL: due?.url, callbackBody: body)
        let stored: Bool = try await statement { connection, logger in
            for try await new in try await connection.execute(storeEvent, logger: logger) { return new }
            return false
        }
        if stored { return IngestOutcome(duplicate: false, callbackQueued: due != nil) }
        // Event ids are per device: the same id on another device is another event.
        let earlier: (String, Int64, Double, Bool)? = try await statement { connection, logger in
            for try await row in try await connection.query("""
                SELECT click_type, reported_time, remaining_life, remaining_life_reported FROM event
                WHERE device_id = \(deviceId) AND event_id = \(event.eventId)
                """, logger: logger).decode((String, Int64, Double, Bool).self) {
                return row
            }
            return nil
        }
        // Stored, then pruned by retention before this read: there is nothing left to compare.
        guard let (clickType, reportedTime, earlierLife, earlierReported) = earlier else {
            return IngestOutcome(duplicate: true, callbackQueued: false)
        }
        let same = clickType == event.clickType && reportedTime == event.reportedTime
            && earlierReported == reported && (!reported || earlierLife == event.remainingLife)
        guard same else {
            throw ServiceError.conflict("event \(event.eventId) of \(deviceId) was already received with a different body: give each event its own id")
        }
        return IngestOutcome(duplicate: true, callbackQueued: false)
    }

    /// Safe on every instance at once: each deletes what is old, and a row already deleted by
    /// another is simply not there.
    package func pruneEvents(receivedBefore cutoff: Int64) async throws(ServiceError) -> Int {
        try await write { connection, logger in
            let events = try await Self.scalar(connection, """
                WITH gone AS (DELETE FROM event WHERE received_at < \(cutoff) RETURNING 1) SELECT count(*) FROM gone
                """, as: Int64.self, logger: logger) ?? 0
            // Settled delivery records age out with their events; a pending one is kept until it settles.
            try await connection.query("DELETE FROM callback_delivery WHERE created_at < \(cutoff) AND state <> 'pending'", logger: logger)
            return Int(events)
        }
    }

    /// The device, and whether any event has reported its remaining life yet.
    static func deviceForIngest(_ connection: PostgresConnection, _ deviceId: String, logger: Logger) async throws -> (DeviceRecord, Bool)? {
        for try await found in try await connection.execute(PostgresHotStatements.DeviceForIngest(deviceId: deviceId), logger: logger) {
            return found
        }
        return nil
    }

    /// The implicit registration of a device by its first event; nothing when another instance
    /// registered it first.
    static func insertDeviceIfMissing(_ connection: PostgresConnection, deviceId: String, caller: Caller, now: Int64,
                                      logger: Logger) async throws {
        let stored = StoredMap.encode([:])
        try await connection.query("""
            INSERT INTO device (device_id, type, bound_principal, bound_account, claim_code, attributes, created_at)
            VALUES (\(deviceId), 'button', \(caller.principal), \(caller.accountId), NULL, \(stored), \(now))
            ON CONFLICT (device_id) DO NOTHING
            """, logger: logger)
    }

    static func insertDevice(
        _ connection: PostgresConnection, deviceId: String, type: String, claimCode: String?, attributes: [String: String],
        caller: Caller, now: Int64, logger: Logger
    ) async throws {
        let stored = StoredMap.encode(attributes)
        try await connection.query("""
            INSERT INTO device (device_id, type, bound_principal, bound_account, claim_code, attributes, created_at)
            VALUES (\(deviceId), \(type), \(caller.principal), \(caller.accountId), \(claimCode), \(stored), \(now))
            """, logger: logger)
    }
}

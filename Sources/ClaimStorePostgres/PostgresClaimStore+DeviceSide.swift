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

    /// Stores the event once, and in the same transaction queues its click callback if one is due.
    /// Two instances ingesting the same id at once: one inserts, the other's transaction fails
    /// serialization, runs again and finds it (a duplicate, or a 409 for another body).
    package func ingest(deviceId: String, event: IncomingEvent, caller: Caller, now: Int64) async throws(ServiceError) -> IngestOutcome {
        try await write { connection, logger in
            var found = try await Self.device(connection, deviceId, logger: logger)
            if found == nil {
                try await Self.insertDevice(connection, deviceId: deviceId, type: "button", claimCode: nil, attributes: [:],
                                            caller: caller, now: now, logger: logger)
                found = try await Self.device(connection, deviceId, logger: logger)
            }
            guard let device = found else { throw ServiceError(.internalFailure, "device \(deviceId) vanished while its event was stored: retry") }
            try ClaimRules.requireBound(device, caller)
            // Event ids are per device: the same id on another device is another event.
            for try await (clickType, reportedTime, life, reported) in try await connection.query("""
                SELECT click_type, reported_time, remaining_life, remaining_life_reported FROM event
                WHERE device_id = \(deviceId) AND event_id = \(event.eventId)
                """, logger: logger).decode((String, Int64, Double, Bool).self) {
                let same = clickType == event.clickType && reportedTime == event.reportedTime
                    && reported == (event.remainingLife != nil) && (!reported || life == event.remainingLife)
                guard same else {
                    throw ServiceError.conflict("event \(event.eventId) of \(deviceId) was already received with a different body: give each event its own id")
                }
                return IngestOutcome(duplicate: true, callbackQueued: false)
            }
            let life = event.remainingLife ?? device.remainingLife
            let reported = event.remainingLife != nil
            guard let seq = try await Self.scalar(connection, """
                INSERT INTO event (event_id, device_id, click_type, reported_time, remaining_life, remaining_life_reported,
                                   received_at, enabled_at_receipt)
                VALUES (\(event.eventId), \(deviceId), \(event.clickType), \(event.reportedTime), \(life), \(reported), \(now), \(device.enabled))
                RETURNING seq
                """, as: Int64.self, logger: logger) else {
                throw ServiceError(.internalFailure, "the event was not stored: retry")
            }
            var lifeKnown = reported
            if reported {
                try await connection.query("""
                    UPDATE device SET remaining_life = \(life), remaining_life_known = true WHERE device_id = \(deviceId)
                    """, logger: logger)
            } else {
                lifeKnown = try await Self.scalar(connection, "SELECT remaining_life_known FROM device WHERE device_id = \(deviceId)",
                                                  as: Bool.self, logger: logger) ?? false
            }
            var queued = false
            if let due = CallbackDelivery.due(device: device, event: event, remainingLife: lifeKnown ? life : nil) {
                // A ByteBuffer is bytea; [UInt8] would be sent as an array of "char".
                let body = ByteBuffer(bytes: due.body)
                try await connection.query("""
                    INSERT INTO callback_delivery (event_id, event_seq, device_id, url, body, created_at)
                    VALUES (\(event.eventId), \(seq), \(deviceId), \(due.url), \(body), \(now))
                    """, logger: logger)
                queued = true
            }
            return IngestOutcome(duplicate: false, callbackQueued: queued)
        }
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

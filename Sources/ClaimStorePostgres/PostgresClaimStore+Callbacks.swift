import ClaimService
import Logging
import PostgresNIO

/// Click-callback deliveries: queued in the event's transaction (`ingest`), then settled one by
/// one by the `CallbackDeliverer`.
extension PostgresClaimStore {
    static let deliveryColumns = """
        event_id, event_seq, device_id, url, body, state, attempts, last_error, last_status, created_at, settled_at
        """

    static func delivery(_ row: PostgresRow) throws -> CallbackDelivery {
        let (eventId, eventSeq, deviceId, url, body, state, attempts, lastError, lastStatus, createdAt, settledAt) = try row.decode(
            (String, Int64, String, String, ByteBuffer, String, Int32, String?, Int32?, Int64, Int64?).self)
        return CallbackDelivery(eventId: eventId, eventSeq: eventSeq, deviceId: deviceId, url: url, body: Array(body.readableBytesView),
                                state: CallbackDelivery.State(rawValue: state) ?? .pending, attempts: Int(attempts),
                                lastError: lastError, lastStatus: lastStatus.map(Int.init), createdAt: createdAt, settledAt: settledAt)
    }

    package func devicesWithPendingCallbacks() async throws(ServiceError) -> [String] {
        try await read { connection, logger in
            var devices: [String] = []
            for try await id in try await connection.query("""
                SELECT device_id FROM callback_delivery WHERE state = 'pending' GROUP BY device_id ORDER BY MIN(event_seq)
                """, logger: logger).decode(String.self) {
                devices.append(id)
            }
            return devices
        }
    }

    /// Each device's deliveries go in order, so only its oldest pending one is ever leased: an
    /// instance that finds it held by another leaves the device to that one until the lease ends.
    package func leaseNextCallback(deviceId: String, now: Int64, leaseFor: Int64) async throws(ServiceError) -> CallbackLease {
        let instance = self.instance
        return try await write { connection, logger in
            var head: CallbackDelivery?
            for try await row in try await connection.query("""
                SELECT \(unescaped: Self.deliveryColumns) FROM callback_delivery
                WHERE state = 'pending' AND device_id = \(deviceId) ORDER BY event_seq LIMIT 1 FOR UPDATE
                """, logger: logger) {
                head = try Self.delivery(row)
            }
            guard let delivery = head else { return .none }
            var (leasedBy, leasedUntil): (String?, Int64?) = (nil, nil)
            for try await lease in try await connection.query("""
                SELECT leased_by, leased_until FROM callback_delivery WHERE device_id = \(deviceId) AND event_id = \(delivery.eventId)
                """, logger: logger).decode((String?, Int64?).self) {
                (leasedBy, leasedUntil) = lease
            }
            if let leasedBy, leasedBy != instance, let leasedUntil, leasedUntil > now {
                return .heldElsewhere(until: leasedUntil)
            }
            try await connection.query("""
                UPDATE callback_delivery SET leased_by = \(instance), leased_until = \(now + leaseFor)
                WHERE device_id = \(deviceId) AND event_id = \(delivery.eventId)
                """, logger: logger)
            return .leased(delivery)
        }
    }

    package func callbackDelivery(eventId: String, deviceId: String?) async throws(ServiceError) -> CallbackDelivery? {
        try await read { connection, logger in
            for try await row in try await connection.query("""
                SELECT \(unescaped: Self.deliveryColumns) FROM callback_delivery
                WHERE event_id = \(eventId) AND device_id = COALESCE(\(deviceId), device_id) ORDER BY event_seq LIMIT 1
                """, logger: logger) {
                return try Self.delivery(row)
            }
            return nil
        }
    }

    package func recordCallbackAttempt(
        deviceId: String, eventId: String, state: CallbackDelivery.State, attempts: Int, status: Int?, error: String?, now: Int64
    ) async throws(ServiceError) {
        let settledAt: Int64? = state == .pending ? nil : now
        let lastStatus = status.map(Int32.init)
        let instance = self.instance
        try await write { connection, logger in
            // Only while this instance holds the lease (or nobody does): after it ran out another
            // instance may have taken the delivery over, and its record is the one that stands.
            _ = try await connection.query("""
                UPDATE callback_delivery SET state = \(state.rawValue), attempts = \(Int32(attempts)), last_status = \(lastStatus),
                    last_error = \(error), settled_at = \(settledAt), leased_by = NULL, leased_until = NULL
                WHERE device_id = \(deviceId) AND event_id = \(eventId) AND (leased_by IS NULL OR leased_by = \(instance))
                """, logger: logger)
        }
    }
}

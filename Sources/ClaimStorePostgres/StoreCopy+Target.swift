import ClaimService
import Logging
import PostgresNIO

/// The fleet database's side of `StoreCopy`: the rows it already holds for the keys being copied,
/// read into the snapshot's own types so that they compare field by field, and the inserts.
extension StoreCopy {
    typealias Snapshot = StateSnapshot

    static func devices(_ connection: PostgresConnection, ids: [String], logger: Logger) async throws -> [Snapshot.Device] {
        var found: [Snapshot.Device] = []
        for try await row in try await connection.query("""
            SELECT device_id, type, bound_principal, bound_account, claim_code, attributes, owner_account, claim_began_at, enabled,
                   remaining_life, remaining_life_known, on_click_callback, health_monitor_callback, created_at
            FROM device WHERE device_id = ANY(\(ids))
            """, logger: logger) {
            found.append(try device(row))
        }
        return found
    }

    private static func device(_ row: PostgresRow) throws -> Snapshot.Device {
        let (deviceId, type, principal, account, claimCode, attributes, owner, claimBeganAt, enabled, life, lifeKnown,
             onClick, healthMonitor, createdAt) = try row.decode(
            (String, String, String, String, String?, String, String?, Int64?, Bool, Double, Bool, String?, String?, Int64).self)
        return Snapshot.Device(
            deviceId: deviceId, type: type, boundPrincipal: principal, boundAccount: account, claimCode: claimCode,
            attributes: attributes, ownerAccount: owner, claimBeganAt: claimBeganAt, enabled: enabled, remainingLife: life,
            remainingLifeKnown: lifeKnown, onClickCallback: onClick, healthMonitorCallback: healthMonitor, createdAt: createdAt)
    }

    static func insert(_ device: Snapshot.Device, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO device (device_id, type, bound_principal, bound_account, claim_code, attributes, owner_account,
                                claim_began_at, enabled, remaining_life, remaining_life_known, on_click_callback,
                                health_monitor_callback, created_at)
            VALUES (\(device.deviceId), \(device.type), \(device.boundPrincipal), \(device.boundAccount), \(device.claimCode),
                    \(device.attributes), \(device.ownerAccount), \(device.claimBeganAt), \(device.enabled), \(device.remainingLife),
                    \(device.remainingLifeKnown), \(device.onClickCallback), \(device.healthMonitorCallback), \(device.createdAt))
            """, logger: logger)
    }

    static func claimInitiations(_ connection: PostgresConnection, deviceIds: [String], logger: Logger) async throws -> [Snapshot.ClaimInitiation] {
        var found: [Snapshot.ClaimInitiation] = []
        for try await (deviceId, accountId, initiatedAt) in try await connection.query("""
            SELECT device_id, account_id, initiated_at FROM claim_initiation WHERE device_id = ANY(\(deviceIds))
            """, logger: logger).decode((String, String, Int64).self) {
            found.append(Snapshot.ClaimInitiation(deviceId: deviceId, accountId: accountId, initiatedAt: initiatedAt))
        }
        return found
    }

    static func insert(_ initiation: Snapshot.ClaimInitiation, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO claim_initiation (device_id, account_id, initiated_at)
            VALUES (\(initiation.deviceId), \(initiation.accountId), \(initiation.initiatedAt))
            """, logger: logger)
    }

    static func tags(_ connection: PostgresConnection, deviceIds: [String], logger: Logger) async throws -> [Snapshot.Tag] {
        var found: [Snapshot.Tag] = []
        for try await (deviceId, key, value) in try await connection.query("""
            SELECT device_id, key, value FROM device_tag WHERE device_id = ANY(\(deviceIds))
            """, logger: logger).decode((String, String, String).self) {
            found.append(Snapshot.Tag(deviceId: deviceId, key: key, value: value))
        }
        return found
    }

    static func insert(_ tag: Snapshot.Tag, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO device_tag (device_id, key, value) VALUES (\(tag.deviceId), \(tag.key), \(tag.value))
            """, logger: logger)
    }

    static func events(_ connection: PostgresConnection, deviceIds: [String], logger: Logger) async throws -> [Snapshot.Event] {
        var found: [Snapshot.Event] = []
        for try await row in try await connection.query("""
            SELECT seq, event_id, device_id, click_type, reported_time, remaining_life, remaining_life_reported, received_at,
                   enabled_at_receipt
            FROM event WHERE device_id = ANY(\(deviceIds))
            """, logger: logger) {
            found.append(try event(row))
        }
        return found
    }

    private static func event(_ row: PostgresRow) throws -> Snapshot.Event {
        let (seq, eventId, deviceId, clickType, reportedTime, life, lifeReported, receivedAt, enabledAtReceipt) = try row.decode(
            (Int64, String, String, String, Int64, Double, Bool, Int64, Bool).self)
        return Snapshot.Event(seq: seq, eventId: eventId, deviceId: deviceId, clickType: clickType, reportedTime: reportedTime,
                              remainingLife: life, remainingLifeReported: lifeReported, receivedAt: receivedAt,
                              enabledAtReceipt: enabledAtReceipt)
    }

    /// With its own `seq`: the column is an identity, so the value must be forced.
    static func insert(_ event: Snapshot.Event, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO event (seq, event_id, device_id, click_type, reported_time, remaining_life, remaining_life_reported,
                               received_at, enabled_at_receipt)
            OVERRIDING SYSTEM VALUE
            VALUES (\(event.seq), \(event.eventId), \(event.deviceId), \(event.clickType), \(event.reportedTime), \(event.remainingLife),
                    \(event.remainingLifeReported), \(event.receivedAt), \(event.enabledAtReceipt))
            """, logger: logger)
    }

    /// The highest event seq the database has given or holds (0 for none): its identity's last
    /// value counts too, since retention may have deleted the events that had it.
    static func eventSeqHighWater(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await PostgresClaimStore.scalar(connection, """
            SELECT GREATEST(
                (SELECT COALESCE(max(seq), 0) FROM event),
                COALESCE((SELECT last_value FROM pg_sequences
                          WHERE format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence('event', 'seq')), 0))
            """, as: Int64.self, logger: logger) ?? 0
    }

    /// Makes the identity give seqs above `highWater` from now on.
    static func raiseEventSeq(to highWater: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT setval(pg_get_serial_sequence('event', 'seq'), \(highWater))", logger: logger)
    }

    static func deliveries(_ connection: PostgresConnection, deviceIds: [String], logger: Logger) async throws -> [Snapshot.Delivery] {
        var found: [Snapshot.Delivery] = []
        for try await row in try await connection.query("""
            SELECT device_id, event_id, event_seq, url, body, state, attempts, last_error, last_status, created_at, settled_at
            FROM callback_delivery WHERE device_id = ANY(\(deviceIds))
            """, logger: logger) {
            found.append(try delivery(row))
        }
        return found
    }

    private static func delivery(_ row: PostgresRow) throws -> Snapshot.Delivery {
        let (deviceId, eventId, eventSeq, url, body, state, attempts, lastError, lastStatus, createdAt, settledAt) = try row.decode(
            (String, String, Int64, String, ByteBuffer, String, Int32, String?, Int32?, Int64, Int64?).self)
        return Snapshot.Delivery(deviceId: deviceId, eventId: eventId, eventSeq: eventSeq, url: url,
                                 body: Array(body.readableBytesView), state: state, attempts: Int64(attempts),
                                 lastError: lastError, lastStatus: lastStatus.map(Int64.init), createdAt: createdAt,
                                 settledAt: settledAt)
    }

    /// Unleased: whichever instance comes first posts a pending one.
    static func insert(_ delivery: Snapshot.Delivery, _ connection: PostgresConnection, logger: Logger) async throws {
        // A ByteBuffer is bytea; [UInt8] would be sent as an array of "char".
        let body = ByteBuffer(bytes: delivery.body)
        let attempts = Int32(clamping: delivery.attempts)
        let lastStatus = delivery.lastStatus.map { Int32(clamping: $0) }
        try await connection.query("""
            INSERT INTO callback_delivery (device_id, event_id, event_seq, url, body, state, attempts, last_error, last_status,
                                           created_at, settled_at)
            VALUES (\(delivery.deviceId), \(delivery.eventId), \(delivery.eventSeq), \(delivery.url), \(body), \(delivery.state),
                    \(attempts), \(delivery.lastError), \(lastStatus), \(delivery.createdAt), \(delivery.settledAt))
            """, logger: logger)
    }

    static func avsRegistrations(_ connection: PostgresConnection, accountIds: [String], logger: Logger) async throws -> [Snapshot.AVSRegistration] {
        var found: [Snapshot.AVSRegistration] = []
        for try await row in try await connection.query("""
            SELECT account_id, device_key, device_arn, client_id, user_code, product_id, serial_number, amazon_id, room_arn, tags,
                   registered_at
            FROM avs_device WHERE account_id = ANY(\(accountIds))
            """, logger: logger) {
            found.append(try avsRegistration(row))
        }
        return found
    }

    private static func avsRegistration(_ row: PostgresRow) throws -> Snapshot.AVSRegistration {
        let (accountId, deviceKey, deviceArn, clientId, userCode, productId, serial, amazonId, roomArn, tags, registeredAt) =
            try row.decode((String, String, String, String, String, String, String?, String, String?, String, Int64).self)
        return Snapshot.AVSRegistration(accountId: accountId, deviceKey: deviceKey, deviceArn: deviceArn, clientId: clientId,
                                        userCode: userCode, productId: productId, serialNumber: serial, amazonId: amazonId,
                                        roomArn: roomArn, tags: tags, registeredAt: registeredAt)
    }

    static func insert(_ registration: Snapshot.AVSRegistration, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO avs_device (account_id, device_key, device_arn, client_id, user_code, product_id, serial_number, amazon_id,
                                    room_arn, tags, registered_at)
            VALUES (\(registration.accountId), \(registration.deviceKey), \(registration.deviceArn), \(registration.clientId),
                    \(registration.userCode), \(registration.productId), \(registration.serialNumber), \(registration.amazonId),
                    \(registration.roomArn), \(registration.tags), \(registration.registeredAt))
            """, logger: logger)
    }

    static func usedSignatures(_ connection: PostgresConnection, signatures: [String], logger: Logger) async throws -> [Snapshot.UsedSignature] {
        var found: [Snapshot.UsedSignature] = []
        for try await (signature, usedAt, validUntil) in try await connection.query("""
            SELECT signature, used_at, valid_until FROM used_signature WHERE signature = ANY(\(signatures))
            """, logger: logger).decode((String, Int64, Int64).self) {
            found.append(Snapshot.UsedSignature(signature: signature, usedAt: usedAt, validUntil: validUntil))
        }
        return found
    }

    static func insert(_ used: Snapshot.UsedSignature, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO used_signature (signature, used_at, valid_until) VALUES (\(used.signature), \(used.usedAt), \(used.validUntil))
            """, logger: logger)
    }

    /// How many rows of each table the database holds, for a refusal that says what is there.
    static func rowCounts(_ connection: PostgresConnection, logger: Logger) async throws -> StoreCopyCounts {
        let row = try await PostgresClaimStore.scalar(connection, """
            SELECT ARRAY[(SELECT count(*) FROM device), (SELECT count(*) FROM device WHERE owner_account IS NOT NULL),
                         (SELECT count(*) FROM claim_initiation), (SELECT count(*) FROM device_tag), (SELECT count(*) FROM event),
                         (SELECT count(*) FROM callback_delivery), (SELECT count(*) FROM avs_device),
                         (SELECT count(*) FROM used_signature)]
            """, as: [Int64].self, logger: logger) ?? []
        func count(_ index: Int) -> Int { index < row.count ? Int(row[index]) : 0 }
        return StoreCopyCounts(devices: count(0), claimedDevices: count(1), claimInitiations: count(2), tags: count(3),
                               events: count(4), deliveries: count(5), avsRegistrations: count(6), usedSignatures: count(7))
    }
}

import ClaimService
import Logging
import PostgresNIO

/// Reading and writing rows: the device record, tags, and the helpers every call shares.
extension PostgresClaimStore {
    /// The columns `device(_:)` reads, in its order.
    static let deviceColumns = """
        device_id, type, bound_principal, bound_account, claim_code, attributes, owner_account, claim_began_at, enabled, \
        remaining_life, on_click_callback, health_monitor_callback
        """

    static func device(_ row: PostgresRow) throws -> DeviceRecord {
        let (deviceId, type, boundPrincipal, boundAccount, claimCode, attributes, owner, claimBeganAt, enabled, remainingLife,
             onClick, healthMonitor) = try row.decode(
            (String, String, String, String, String?, String, String?, Int64?, Bool, Double, String?, String?).self)
        return DeviceRecord(deviceId: deviceId, type: type, boundPrincipal: boundPrincipal, boundAccount: boundAccount,
                            claimCode: claimCode, attributes: StoredMap.decode(attributes), ownerAccount: owner,
                            claimBeganAt: claimBeganAt, enabled: enabled, remainingLife: remainingLife,
                            onClickCallback: onClick, healthMonitorCallback: healthMonitor)
    }

    /// The device, locked for the rest of the transaction when `forUpdate` (so that a concurrent
    /// change of it waits, then fails serialization and runs again).
    static func device(_ connection: PostgresConnection, _ deviceId: String, logger: Logger, forUpdate: Bool = false) async throws -> DeviceRecord? {
        let query: PostgresQuery = forUpdate
            ? "SELECT \(unescaped: deviceColumns) FROM device WHERE device_id = \(deviceId) FOR UPDATE"
            : "SELECT \(unescaped: deviceColumns) FROM device WHERE device_id = \(deviceId)"
        for try await row in try await connection.query(query, logger: logger) {
            return try device(row)
        }
        return nil
    }

    static func devices(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [DeviceRecord] {
        var devices: [DeviceRecord] = []
        for try await row in try await connection.query(query, logger: logger) { devices.append(try device(row)) }
        return devices
    }

    static func tags(_ connection: PostgresConnection, _ deviceId: String, logger: Logger) async throws -> [String: String] {
        var tags: [String: String] = [:]
        for try await (key, value) in try await connection.query(
            "SELECT key, value FROM device_tag WHERE device_id = \(deviceId)", logger: logger).decode((String, String).self) {
            tags[key] = value
        }
        return tags
    }

    static func replaceTags(_ connection: PostgresConnection, _ deviceId: String, _ tags: [String: String], logger: Logger) async throws {
        try await connection.query("DELETE FROM device_tag WHERE device_id = \(deviceId)", logger: logger)
        for (key, value) in tags {
            try await connection.query("INSERT INTO device_tag (device_id, key, value) VALUES (\(deviceId), \(key), \(value))", logger: logger)
        }
    }

    /// The first column of the first row, if any.
    static func scalar<T: PostgresDecodable & Sendable>(_ connection: PostgresConnection, _ query: PostgresQuery, as: T.Type,
                                            logger: Logger) async throws -> T? {
        for try await value in try await connection.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }
}

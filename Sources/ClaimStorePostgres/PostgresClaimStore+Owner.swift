import ClaimService
import Logging
import PostgresNIO

/// Calls of the device's owner: descriptions, listings, state, tags and callbacks. Every one
/// answers 404 to anyone but the owner.
extension PostgresClaimStore {
    package func ownedDevice(deviceId: String, account: String) async throws(ServiceError) -> (DeviceRecord, [String: String]) {
        // One statement, so one snapshot: the device and its tags as they were together.
        let found: DeviceWithTags? = try await statement { connection, logger in
            for try await found in try await connection.execute(PostgresHotStatements.DeviceWithTagsByID(deviceId: deviceId),
                                                                 logger: logger) {
                return found
            }
            return nil
        }
        return (try ClaimRules.requireOwner(found?.device, deviceId: deviceId, account: account), found?.tags ?? [:])
    }

    package func listDevices(
        account: String, type: String?, afterDeviceId: String?, limit: Int
    ) async throws(ServiceError) -> ([(DeviceRecord, [String: String])], Bool) {
        let page: [DeviceWithTags] = try await read { connection, logger in
            let devices = try await Self.devices(connection, """
                SELECT \(unescaped: Self.deviceColumns) FROM device
                WHERE owner_account = \(account) AND (\(type)::text IS NULL OR type = \(type))
                  AND (\(afterDeviceId)::text IS NULL OR device_id > \(afterDeviceId))
                ORDER BY device_id LIMIT \(Int64(limit) + 1)
                """, logger: logger)
            var page: [DeviceWithTags] = []
            for device in devices {
                page.append(DeviceWithTags(device: device, tags: try await Self.tags(connection, device.deviceId, logger: logger)))
            }
            return page
        }
        return (page.prefix(limit).map { ($0.device, $0.tags) }, page.count > limit)
    }

    package func listEvents(
        deviceId: String, account: String, from: Int64, to: Int64, after: (reportedTime: Int64, seq: Int64)?, limit: Int
    ) async throws(ServiceError) -> (DeviceRecord, [EventRow], Bool) {
        let afterRT = after?.reportedTime ?? Int64.min
        let afterSeq = after?.seq ?? Int64.min
        let (device, rows): (DeviceRecord, [EventRow]) = try await read { connection, logger in
            let device = try ClaimRules.requireOwner(try await Self.device(connection, deviceId, logger: logger),
                                                     deviceId: deviceId, account: account)
            // Visible: received after the owner's claim began (it ends at unclaim, which clears it).
            let since = device.claimBeganAt ?? Int64.max
            var rows: [EventRow] = []
            for try await (seq, clickType, reportedTime, life) in try await connection.query("""
                SELECT seq, click_type, reported_time, remaining_life FROM event
                WHERE device_id = \(deviceId) AND received_at >= \(since) AND reported_time >= \(from) AND reported_time <= \(to)
                  AND (reported_time > \(afterRT) OR (reported_time = \(afterRT) AND seq > \(afterSeq)))
                ORDER BY reported_time, seq LIMIT \(Int64(limit) + 1)
                """, logger: logger).decode((Int64, String, Int64, Double).self) {
                rows.append(EventRow(seq: seq, clickType: clickType, reportedTime: reportedTime, remainingLife: life))
            }
            return (device, rows)
        }
        return (device, Array(rows.prefix(limit)), rows.count > limit)
    }

    package func setEnabled(deviceId: String, account: String, enabled: Bool) async throws(ServiceError) {
        try await write { connection, logger in
            _ = try ClaimRules.requireOwner(try await Self.device(connection, deviceId, logger: logger, forUpdate: true),
                                            deviceId: deviceId, account: account)
            try await connection.query("UPDATE device SET enabled = \(enabled) WHERE device_id = \(deviceId)", logger: logger)
        }
    }

    package func addTags(deviceId: String, account: String, tags: [String: String]) async throws(ServiceError) {
        try await write { connection, logger in
            _ = try ClaimRules.requireOwner(try await Self.device(connection, deviceId, logger: logger, forUpdate: true),
                                            deviceId: deviceId, account: account)
            let merged = try TagRules.merged(try await Self.tags(connection, deviceId, logger: logger), with: tags)
            try await Self.replaceTags(connection, deviceId, merged, logger: logger)
        }
    }

    package func removeTags(deviceId: String, account: String, keys: [String]) async throws(ServiceError) {
        try await write { connection, logger in
            _ = try ClaimRules.requireOwner(try await Self.device(connection, deviceId, logger: logger, forUpdate: true),
                                            deviceId: deviceId, account: account)
            try await connection.query("DELETE FROM device_tag WHERE device_id = \(deviceId) AND key = ANY(\(keys))", logger: logger)
        }
    }

    package func setCallback(_ kind: CallbackKind, deviceId: String, account: String, callbackJSON: String) async throws(ServiceError) {
        try await write { connection, logger in
            _ = try ClaimRules.requireOwner(try await Self.device(connection, deviceId, logger: logger, forUpdate: true),
                                            deviceId: deviceId, account: account)
            let column = switch kind {
            case .onClick: "on_click_callback"
            case .healthMonitor: "health_monitor_callback"
            }
            try await connection.query("UPDATE device SET \(unescaped: column) = \(callbackJSON) WHERE device_id = \(deviceId)",
                                       logger: logger)
        }
    }
}

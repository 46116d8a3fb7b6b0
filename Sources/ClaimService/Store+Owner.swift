import GRDB

/// A stored event as the owner's listing needs it.
package struct EventRow: Sendable, Equatable {
    package var seq: Int64
    package var clickType: String
    package var reportedTime: Int64
    package var remainingLife: Double

    package init(seq: Int64, clickType: String, reportedTime: Int64, remainingLife: Double) {
        self.seq = seq
        self.clickType = clickType
        self.reportedTime = reportedTime
        self.remainingLife = remainingLife
    }
}

/// Calls of the device's owner: descriptions, listings, state, tags and callbacks. Every one
/// answers 404 to anyone but the owner.
extension Store {
    func ownedDevice(deviceId: String, account: String) async throws(ServiceError) -> (DeviceRecord, [String: String]) {
        // One statement, so one snapshot: a row per tag (or one with NULLs), the device repeated.
        let (device, tags) = try readOneStatement { db in
            var device: DeviceRecord?
            var tags: [String: String] = [:]
            try Store.rows(db, sql: """
                SELECT \(Store.deviceColumns), device_tag.key, device_tag.value
                FROM device LEFT JOIN device_tag USING (deviceId) WHERE deviceId = ?
                """, [.text(deviceId)]) { row in
                if device == nil { device = Store.record(row) }
                if let key = row.text(12) { tags[key] = row.text(13) ?? "" }
            }
            return (device, tags)
        }
        return (try ClaimRules.requireOwner(device, deviceId: deviceId, account: account), tags)
    }

    /// One page of the account's devices after `afterDeviceId`, and whether more follow.
    func listDevices(
        account: String, type: String?, afterDeviceId: String?, limit: Int
    ) async throws(ServiceError) -> ([(DeviceRecord, [String: String])], Bool) {
        let page: [DeviceWithTags] = try await read { db in
            var sql = "SELECT \(Store.deviceColumns) FROM device WHERE ownerAccount = ?"
            var args: [RowArgument] = [.text(account)]
            if let type {
                sql += " AND type = ?"
                args.append(.text(type))
            }
            if let afterDeviceId {
                sql += " AND deviceId > ?"
                args.append(.text(afterDeviceId))
            }
            sql += " ORDER BY deviceId LIMIT ?"
            args.append(.integer(Int64(limit) + 1))
            return try Store.devices(db, sql: sql, args).map { device in
                DeviceWithTags(device: device, tags: try Store.tags(db, device.deviceId))
            }
        }
        return (page.prefix(limit).map { ($0.device, $0.tags) }, page.count > limit)
    }

    /// One page of the events the owner may see, ordered by reportedTime, and whether more follow.
    func listEvents(
        deviceId: String, account: String, from: Int64, to: Int64, after: (reportedTime: Int64, seq: Int64)?, limit: Int
    ) async throws(ServiceError) -> (DeviceRecord, [EventRow], Bool) {
        let afterRT = after?.reportedTime ?? Int64.min
        let afterSeq = after?.seq ?? Int64.min
        let (device, rows): (DeviceRecord, [EventRow]) = try await read { db in
            let device = try ClaimRules.requireOwner(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            // Visible: received after the owner's claim began (it ends at unclaim, which clears it).
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT seq, clickType, reportedTime, remainingLife FROM event
                WHERE deviceId = ? AND receivedAt >= ? AND reportedTime >= ? AND reportedTime <= ?
                  AND (reportedTime > ? OR (reportedTime = ? AND seq > ?))
                ORDER BY reportedTime, seq LIMIT ?
                """), arguments: [deviceId, device.claimBeganAt ?? Int64.max, from, to, afterRT, afterRT, afterSeq, limit + 1])
                .map { EventRow(seq: $0["seq"], clickType: $0["clickType"], reportedTime: $0["reportedTime"], remainingLife: $0["remainingLife"]) }
            return (device, rows)
        }
        return (device, Array(rows.prefix(limit)), rows.count > limit)
    }

    func setEnabled(deviceId: String, account: String, enabled: Bool) async throws(ServiceError) {
        try await write { db in
            _ = try ClaimRules.requireOwner(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            try db.cachedStatement(sql: "UPDATE device SET enabled = ? WHERE deviceId = ?").execute(arguments: [enabled, deviceId])
        }
    }

    func addTags(deviceId: String, account: String, tags: [String: String]) async throws(ServiceError) {
        try await write { db in
            _ = try ClaimRules.requireOwner(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            try Store.replaceTags(db, deviceId, try TagRules.merged(try Store.tags(db, deviceId), with: tags))
        }
    }

    func removeTags(deviceId: String, account: String, keys: [String]) async throws(ServiceError) {
        try await write { db in
            _ = try ClaimRules.requireOwner(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            for key in keys {
                try db.cachedStatement(sql: "DELETE FROM device_tag WHERE deviceId = ? AND key = ?").execute(arguments: [deviceId, key])
            }
        }
    }

    func setCallback(_ kind: CallbackKind, deviceId: String, account: String, callbackJSON: String) async throws(ServiceError) {
        try await write { db in
            _ = try ClaimRules.requireOwner(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            try db.cachedStatement(sql: "UPDATE device SET \(kind.rawValue) = ? WHERE deviceId = ?").execute(arguments: [callbackJSON, deviceId])
        }
    }
}

package struct DeviceWithTags: Sendable {
    package var device: DeviceRecord
    package var tags: [String: String]

    package init(device: DeviceRecord, tags: [String: String]) {
        self.device = device
        self.tags = tags
    }
}

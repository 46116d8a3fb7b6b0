import ClaimService
import Logging
import PostgresNIO

/// The claim calls: each is one SERIALIZABLE transaction that gathers the facts, asks
/// `ClaimRules`, and applies the decision. The device row is read FOR UPDATE, so that two
/// instances deciding on one device queue behind each other, and the second decides again on
/// what the first committed.
extension PostgresClaimStore {
    package func initiateClaim(deviceId: String, account: String, now: Int64) async throws(ServiceError) {
        try await write { connection, logger in
            try ClaimRules.initiate(try await Self.device(connection, deviceId, logger: logger, forUpdate: true),
                                    deviceId: deviceId, account: account)
            try await connection.query("""
                INSERT INTO claim_initiation (device_id, account_id, initiated_at) VALUES (\(deviceId), \(account), \(now))
                ON CONFLICT (device_id, account_id) DO UPDATE SET initiated_at = EXCLUDED.initiated_at
                """, logger: logger)
        }
    }

    package func finalizeClaim(
        deviceId: String, account: String, tags: [String: String], now: Int64, timing: ClaimRules.Timing
    ) async throws(ServiceError) {
        try await write { connection, logger in
            let device = try await Self.device(connection, deviceId, logger: logger, forUpdate: true)
            let initiatedAt = try await Self.scalar(connection, """
                SELECT initiated_at FROM claim_initiation WHERE device_id = \(deviceId) AND account_id = \(account)
                """, as: Int64.self, logger: logger)
            var press = false
            if let initiatedAt {
                let earliest = initiatedAt - timing.reportedTimeTolerance
                press = try await Self.scalar(connection, """
                    SELECT EXISTS (SELECT 1 FROM event WHERE device_id = \(deviceId) AND received_at >= \(initiatedAt)
                                   AND reported_time >= \(earliest) AND enabled_at_receipt)
                    """, as: Bool.self, logger: logger) ?? false
            }
            let decision = try ClaimRules.finalize(
                device, deviceId: deviceId, account: account,
                facts: .init(initiatedAt: initiatedAt, pressSinceInitiation: press), now: now, timing: timing)
            switch decision {
            case .alreadyOwned:
                if !tags.isEmpty {
                    let merged = try TagRules.merged(try await Self.tags(connection, deviceId, logger: logger), with: tags)
                    try await Self.replaceTags(connection, deviceId, merged, logger: logger)
                }
            case .claim(let beganAt):
                let newTags = try TagRules.merged([:], with: tags)
                try await connection.query("""
                    UPDATE device SET owner_account = \(account), claim_began_at = \(beganAt) WHERE device_id = \(deviceId)
                    """, logger: logger)
                try await connection.query("DELETE FROM claim_initiation WHERE device_id = \(deviceId)", logger: logger)
                try await Self.replaceTags(connection, deviceId, newTags, logger: logger)
            }
        }
    }

    package func unclaim(deviceId: String, account: String) async throws(ServiceError) {
        try await write { connection, logger in
            try ClaimRules.unclaim(try await Self.device(connection, deviceId, logger: logger, forUpdate: true),
                                   deviceId: deviceId, account: account)
            try await connection.query("""
                UPDATE device SET owner_account = NULL, claim_began_at = NULL, enabled = true,
                    on_click_callback = NULL, health_monitor_callback = NULL WHERE device_id = \(deviceId)
                """, logger: logger)
            try await connection.query("DELETE FROM claim_initiation WHERE device_id = \(deviceId)", logger: logger)
            try await connection.query("DELETE FROM device_tag WHERE device_id = \(deviceId)", logger: logger)
        }
    }

    package func claimByCode(_ code: String, account: String, now: Int64) async throws(ServiceError) -> Int {
        try await write { connection, logger in
            // Locked in one order (by id), so two calls for overlapping codes cannot deadlock each other for long.
            let devices = try await Self.devices(connection, """
                SELECT \(unescaped: Self.deviceColumns) FROM device WHERE claim_code = \(code) ORDER BY device_id FOR UPDATE
                """, logger: logger)
            let toClaim = try ClaimRules.claimByCode(code, devices: devices, account: account)
            for id in toClaim {
                try await connection.query("""
                    UPDATE device SET owner_account = \(account), claim_began_at = \(now) WHERE device_id = \(id)
                    """, logger: logger)
                try await connection.query("DELETE FROM claim_initiation WHERE device_id = \(id)", logger: logger)
            }
            return devices.count
        }
    }
}

import GRDB

/// The claim calls: each is one write transaction that gathers the facts, asks `ClaimRules`, and
/// applies the decision.
extension Store {
    func initiateClaim(deviceId: String, account: String, now: Int64) async throws(ServiceError) {
        try await write { db in
            try ClaimRules.initiate(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO claim_initiation (deviceId, accountId, initiatedAt) VALUES (?, ?, ?)").execute(
                arguments: [deviceId, account, now]
            )
        }
    }

    /// `tags` are already validated one by one; the count limit is checked against what is stored.
    func finalizeClaim(
        deviceId: String, account: String, tags: [String: String], now: Int64, timing: ClaimRules.Timing
    ) async throws(ServiceError) {
        try await write { db in
            let device = try Store.device(db, deviceId)
            let initiatedAt = try Int64.fetchOne(
                db, sql: "SELECT initiatedAt FROM claim_initiation WHERE deviceId = ? AND accountId = ?",
                arguments: [deviceId, account]
            )
            var press = false
            if let initiatedAt {
                press = try Bool.fetchOne(db.cachedStatement(sql: """
                    SELECT EXISTS (SELECT 1 FROM event WHERE deviceId = ? AND receivedAt >= ?
                                   AND reportedTime >= ? AND enabledAtReceipt = 1)
                    """), arguments: [deviceId, initiatedAt, initiatedAt - timing.reportedTimeTolerance]) ?? false
            }
            let decision = try ClaimRules.finalize(
                device, deviceId: deviceId, account: account,
                facts: .init(initiatedAt: initiatedAt, pressSinceInitiation: press), now: now, timing: timing
            )
            switch decision {
            case .alreadyOwned:
                if !tags.isEmpty {
                    try Store.replaceTags(db, deviceId, try TagRules.merged(try Store.tags(db, deviceId), with: tags))
                }
            case .claim(let beganAt):
                let newTags = try TagRules.merged([:], with: tags)
                try db.cachedStatement(
                    sql: "UPDATE device SET ownerAccount = ?, claimBeganAt = ? WHERE deviceId = ?").execute(
                    arguments: [account, beganAt, deviceId]
                )
                try db.cachedStatement(sql: "DELETE FROM claim_initiation WHERE deviceId = ?").execute(arguments: [deviceId])
                try Store.replaceTags(db, deviceId, newTags)
            }
        }
    }

    /// Nothing of an owner passes to the next: initiations, tags and callbacks are cleared and the
    /// device is enabled again.
    func unclaim(deviceId: String, account: String) async throws(ServiceError) {
        try await write { db in
            try ClaimRules.unclaim(try Store.device(db, deviceId), deviceId: deviceId, account: account)
            try db.cachedStatement(sql: """
                UPDATE device SET ownerAccount = NULL, claimBeganAt = NULL, enabled = 1,
                    onClickCallback = NULL, healthMonitorCallback = NULL WHERE deviceId = ?
                """).execute(arguments: [deviceId])
            try db.cachedStatement(sql: "DELETE FROM claim_initiation WHERE deviceId = ?").execute(arguments: [deviceId])
            try db.cachedStatement(sql: "DELETE FROM device_tag WHERE deviceId = ?").execute(arguments: [deviceId])
        }
    }

    /// Returns `total`: the code's devices the caller owns afterwards.
    func claimByCode(_ code: String, account: String, now: Int64) async throws(ServiceError) -> Int {
        try await write { db in
            let devices = try Store.devices(db, sql: "SELECT \(Store.deviceColumns) FROM device WHERE claimCode = ?", [.text(code)])
            let toClaim = try ClaimRules.claimByCode(code, devices: devices, account: account)
            for id in toClaim {
                try db.cachedStatement(
                    sql: "UPDATE device SET ownerAccount = ?, claimBeganAt = ? WHERE deviceId = ?").execute(
                    arguments: [account, now, id]
                )
                try db.cachedStatement(sql: "DELETE FROM claim_initiation WHERE deviceId = ?").execute(arguments: [id])
            }
            return devices.count
        }
    }
}

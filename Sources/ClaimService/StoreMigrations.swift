import GRDB

/// The versioned schema. Never edit a registered migration: add a new one.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE device (
                    deviceId TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    boundPrincipal TEXT NOT NULL,
                    boundAccount TEXT NOT NULL,
                    claimCode TEXT,
                    attributes TEXT NOT NULL DEFAULT '{}',
                    ownerAccount TEXT,
                    claimBeganAt INTEGER,
                    enabled INTEGER NOT NULL DEFAULT 1,
                    remainingLife REAL NOT NULL DEFAULT 100.0,
                    onClickCallback TEXT,
                    healthMonitorCallback TEXT,
                    createdAt INTEGER NOT NULL
                );
                CREATE INDEX device_by_claim_code ON device(claimCode);
                CREATE INDEX device_by_owner ON device(ownerAccount, deviceId);

                -- One initiation per (device, account): initiations are per account.
                CREATE TABLE claim_initiation (
                    deviceId TEXT NOT NULL REFERENCES device(deviceId) ON DELETE CASCADE,
                    accountId TEXT NOT NULL,
                    initiatedAt INTEGER NOT NULL,
                    PRIMARY KEY (deviceId, accountId)
                );

                CREATE TABLE device_tag (
                    deviceId TEXT NOT NULL REFERENCES device(deviceId) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (deviceId, key)
                );

                -- Times are µs since the Unix epoch. receivedAt is the service's clock; reportedTime is
                -- the device's. enabledAtReceipt records whether the device was enabled when it arrived.
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    eventId TEXT NOT NULL UNIQUE,
                    deviceId TEXT NOT NULL,
                    clickType TEXT NOT NULL,
                    reportedTime INTEGER NOT NULL,
                    remainingLife REAL NOT NULL,
                    remainingLifeReported INTEGER NOT NULL,
                    receivedAt INTEGER NOT NULL,
                    enabledAtReceipt INTEGER NOT NULL
                );
                CREATE INDEX event_by_device_time ON event(deviceId, reportedTime, seq);
                CREATE INDEX event_by_device_received ON event(deviceId, receivedAt);
                CREATE INDEX event_by_received ON event(receivedAt);

                CREATE TABLE avs_device (
                    accountId TEXT NOT NULL,
                    deviceKey TEXT NOT NULL,
                    deviceArn TEXT NOT NULL,
                    clientId TEXT NOT NULL,
                    userCode TEXT NOT NULL,
                    productId TEXT NOT NULL,
                    serialNumber TEXT,
                    amazonId TEXT NOT NULL,
                    roomArn TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',
                    registeredAt INTEGER NOT NULL,
                    PRIMARY KEY (accountId, deviceKey)
                );
                CREATE INDEX avs_by_serial ON avs_device(accountId, serialNumber);
                """)
        }
        migrator.registerMigration("v2-callback-delivery") { db in
            try db.execute(sql: """
                -- One row per event of a claimed, enabled device with a callback URL, inserted in the
                -- event's transaction. body is the payload as committed; settledAt is when it was
                -- delivered or declared dead (µs).
                CREATE TABLE callback_delivery (
                    eventId TEXT PRIMARY KEY NOT NULL,
                    eventSeq INTEGER NOT NULL,
                    deviceId TEXT NOT NULL,
                    url TEXT NOT NULL,
                    body BLOB NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT,
                    lastStatus INTEGER,
                    createdAt INTEGER NOT NULL,
                    settledAt INTEGER
                );
                CREATE INDEX callback_delivery_by_state ON callback_delivery(state, deviceId, eventSeq);
                CREATE INDEX callback_delivery_by_created ON callback_delivery(createdAt);

                -- Whether the device ever reported its remainingLife: a callback payload leaves out a
                -- value that is only the default.
                ALTER TABLE device ADD COLUMN remainingLifeKnown INTEGER NOT NULL DEFAULT 0;
                UPDATE device SET remainingLifeKnown = EXISTS (
                    SELECT 1 FROM event WHERE event.deviceId = device.deviceId AND event.remainingLifeReported = 1);
                """)
        }
        migrator.registerMigration("v3-used-signatures") { db in
            try db.execute(sql: """
                -- The signatures of state-changing requests (replay protection): usedAt is when each
                -- was first received, validUntil when the verifier starts refusing its X-Amz-Date as
                -- too old, after which it is deleted (µs).
                CREATE TABLE used_signature (
                    signature TEXT PRIMARY KEY NOT NULL,
                    usedAt INTEGER NOT NULL,
                    validUntil INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX used_signature_by_expiry ON used_signature(validUntil);
                """)
        }
        migrator.registerMigration("v4-event-ids-per-device") { db in
            // Event ids were unique across the service, so one device's principal could take or
            // probe another device's ids. Now an id is unique per device: both tables that hold
            // one are rebuilt (SQLite cannot change a constraint in place), every row kept. seq
            // values stay as they were, and so does AUTOINCREMENT's high-water mark, which may
            // be above the largest seq left after retention: callback_delivery.eventSeq and the
            // ListDeviceEvents page tokens name events by seq, and no seq may be given twice.
            let highWater = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'") ?? 0
            try db.execute(sql: """
                CREATE TABLE event_new (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    eventId TEXT NOT NULL,
                    deviceId TEXT NOT NULL,
                    clickType TEXT NOT NULL,
                    reportedTime INTEGER NOT NULL,
                    remainingLife REAL NOT NULL,
                    remainingLifeReported INTEGER NOT NULL,
                    receivedAt INTEGER NOT NULL,
                    enabledAtReceipt INTEGER NOT NULL,
                    UNIQUE (deviceId, eventId)
                );
                INSERT INTO event_new (seq, eventId, deviceId, clickType, reportedTime, remainingLife,
                                       remainingLifeReported, receivedAt, enabledAtReceipt)
                    SELECT seq, eventId, deviceId, clickType, reportedTime, remainingLife,
                           remainingLifeReported, receivedAt, enabledAtReceipt FROM event;
                DROP TABLE event;
                ALTER TABLE event_new RENAME TO event;
                CREATE INDEX event_by_device_time ON event(deviceId, reportedTime, seq);
                CREATE INDEX event_by_device_received ON event(deviceId, receivedAt);
                CREATE INDEX event_by_received ON event(receivedAt);

                CREATE TABLE callback_delivery_new (
                    eventId TEXT NOT NULL,
                    eventSeq INTEGER NOT NULL,
                    deviceId TEXT NOT NULL,
                    url TEXT NOT NULL,
                    body BLOB NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lastError TEXT,
                    lastStatus INTEGER,
                    createdAt INTEGER NOT NULL,
                    settledAt INTEGER,
                    PRIMARY KEY (deviceId, eventId)
                );
                INSERT INTO callback_delivery_new SELECT eventId, eventSeq, deviceId, url, body, state, attempts,
                    lastError, lastStatus, createdAt, settledAt FROM callback_delivery;
                DROP TABLE callback_delivery;
                ALTER TABLE callback_delivery_new RENAME TO callback_delivery;
                CREATE INDEX callback_delivery_by_state ON callback_delivery(state, deviceId, eventSeq);
                CREATE INDEX callback_delivery_by_created ON callback_delivery(createdAt);
                """)
            let copied = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0
            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'event'")
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('event', ?)", arguments: [max(highWater, copied)])
        }
        migrator.registerMigration("v5-wal-recovery-loss") { db in
            try db.execute(sql: """
                -- Each time SQLite's recovery of the WAL at start dropped committed transactions (a
                -- damaged WAL): when it was found (ISO-8601 UTC), the frames kept and committed, the
                -- transactions and pages lost. Kept, so that status shows it after later restarts.
                CREATE TABLE wal_recovery_loss (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    detectedAt TEXT NOT NULL,
                    file TEXT NOT NULL,
                    recoveredFrames INTEGER NOT NULL,
                    committedFrames INTEGER NOT NULL,
                    droppedTransactions INTEGER NOT NULL,
                    lostPages INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }
}

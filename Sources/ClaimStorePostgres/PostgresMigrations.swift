import Foundation
import Logging
import PostgresNIO

/// The fleet database's versioned schema, applied in order, each version once, in one
/// transaction under an advisory lock, so instances starting together do not both apply one.
/// Never edit a published version: add a new one. Times are µs since the Unix epoch, as in the
/// SQLite store, so state copies between the two unchanged.
enum PostgresMigrations {
    /// `pg_advisory_xact_lock`'s key for migrating: "clickbrg" in ASCII.
    static let lockKey: Int64 = 0x636C_6963_6B62_7267

    static let versions: [(name: String, sql: String)] = [
        ("v1-claim-service", """
        -- A registered device. owner_account is set exactly while the device is CLAIMED; its claim
        -- began at claim_began_at (the owner sees events received from then on).
        CREATE TABLE device (
            device_id text PRIMARY KEY,
            type text NOT NULL,
            bound_principal text NOT NULL,
            bound_account text NOT NULL,
            claim_code text,
            attributes text NOT NULL DEFAULT '{}',
            owner_account text,
            claim_began_at bigint,
            enabled boolean NOT NULL DEFAULT true,
            remaining_life double precision NOT NULL DEFAULT 100.0,
            -- Whether the device ever reported remainingLife: a callback payload leaves out a default.
            remaining_life_known boolean NOT NULL DEFAULT false,
            on_click_callback text,
            health_monitor_callback text,
            created_at bigint NOT NULL
        );
        CREATE INDEX device_by_claim_code ON device (claim_code);
        CREATE INDEX device_by_owner ON device (owner_account, device_id);

        -- Initiations are per account: one per (device, account).
        CREATE TABLE claim_initiation (
            device_id text NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
            account_id text NOT NULL,
            initiated_at bigint NOT NULL,
            PRIMARY KEY (device_id, account_id)
        );

        CREATE TABLE device_tag (
            device_id text NOT NULL REFERENCES device (device_id) ON DELETE CASCADE,
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (device_id, key)
        );

        -- received_at is the service's clock, reported_time the device's. Event ids are unique per
        -- device. enabled_at_receipt: whether the device was enabled when the event arrived.
        CREATE TABLE event (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id text NOT NULL,
            device_id text NOT NULL,
            click_type text NOT NULL,
            reported_time bigint NOT NULL,
            remaining_life double precision NOT NULL,
            remaining_life_reported boolean NOT NULL,
            received_at bigint NOT NULL,
            enabled_at_receipt boolean NOT NULL,
            UNIQUE (device_id, event_id)
        );
        CREATE INDEX event_by_device_time ON event (device_id, reported_time, seq);
        CREATE INDEX event_by_device_received ON event (device_id, received_at);
        CREATE INDEX event_by_received ON event (received_at);

        -- One click callback per event of a claimed, enabled device with a callback URL, queued in
        -- the event's transaction. body is the payload as committed; settled_at is when it was
        -- delivered or declared dead.
        CREATE TABLE callback_delivery (
            device_id text NOT NULL,
            event_id text NOT NULL,
            event_seq bigint NOT NULL,
            url text NOT NULL,
            body bytea NOT NULL,
            state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
            attempts integer NOT NULL DEFAULT 0,
            last_error text,
            last_status integer,
            created_at bigint NOT NULL,
            settled_at bigint,
            PRIMARY KEY (device_id, event_id)
        );
        CREATE INDEX callback_delivery_by_state ON callback_delivery (state, device_id, event_seq);
        CREATE INDEX callback_delivery_by_created ON callback_delivery (created_at);

        -- Alexa for Business registrations; device_key is the serial, or the fields that name a
        -- device without one (AVSHandler).
        CREATE TABLE avs_device (
            account_id text NOT NULL,
            device_key text NOT NULL,
            device_arn text NOT NULL,
            client_id text NOT NULL,
            user_code text NOT NULL,
            product_id text NOT NULL,
            serial_number text,
            amazon_id text NOT NULL,
            room_arn text,
            tags text NOT NULL DEFAULT '[]',
            registered_at bigint NOT NULL,
            PRIMARY KEY (account_id, device_key)
        );

        -- Replay protection: the signatures of state-changing requests, when each was first
        -- received, and when the verifier starts refusing it as too old (then it is deleted).
        CREATE TABLE used_signature (
            signature text PRIMARY KEY,
            used_at bigint NOT NULL,
            valid_until bigint NOT NULL
        );
        CREATE INDEX used_signature_by_expiry ON used_signature (valid_until);
        """),
        ("v2-callback-lease", """
        -- The instance attempting a pending callback, and until when (µs): no other instance
        -- attempts it before then, and one takes it over after, if it is still pending (the
        -- first died). Cleared when the attempt is recorded.
        ALTER TABLE callback_delivery ADD COLUMN leased_by text;
        ALTER TABLE callback_delivery ADD COLUMN leased_until bigint;
        """),
        ("v3-principal", """
        -- Who may call the service (in SQLite mode, its credentials file): one row per principal,
        -- numbered in the order added. The previous key is the one the last rotation replaced. It
        -- is accepted until previous_valid_until (µs) or until the current key is first used,
        -- which clears the three previous_ columns. imported_from names the credentials file the
        -- principal came from (serve --credentials), null when added with `credentials add`.
        CREATE TABLE principal (
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            name text PRIMARY KEY,
            account_id text NOT NULL,
            access_key_id text NOT NULL UNIQUE,
            secret_access_key text NOT NULL,
            region text,
            previous_access_key_id text UNIQUE,
            previous_secret_access_key text,
            previous_valid_until bigint,
            imported_from text,
            added_at bigint NOT NULL,
            CHECK ((previous_access_key_id IS NULL) = (previous_secret_access_key IS NULL)
                   AND (previous_access_key_id IS NULL) = (previous_valid_until IS NULL))
        );
        """),
    ]

    /// Applies the versions not yet applied, all in one transaction; returns their names.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.withTransaction(logger: logger) { connection in
            // Everything under the lock, the bookkeeping table's creation included: two
            // instances creating it at once would collide in the catalog.
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migration (
                    version text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var done: Set<String> = []
            for try await name in try await connection.query("SELECT version FROM schema_migration", logger: logger).decode(String.self) {
                done.insert(name)
            }
            var applied: [String] = []
            for (name, sql) in versions where !done.contains(name) {
                for statement in statements(sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migration (version) VALUES (\(name))", logger: logger)
                applied.append(name)
            }
            return applied
        }
    }

    /// A version's statements: each ends with `;` at the end of a line (the extended query protocol
    /// takes one statement at a time).
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
    }
}

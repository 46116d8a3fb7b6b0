import ClaimService
import OneClick
import PostgresNIO

/// The statements every signed request or every press runs, prepared once per pooled connection
/// and then only bound and executed: postgres-nio sends other statements unnamed, which the server
/// parses and plans each time.
enum PostgresHotStatements {
    /// The principal holding an access key as its current or previous key (every signed request).
    struct PrincipalByKey: OneTextParameter {
        static let sql = """
            SELECT \(PostgresClaimStore.principalColumns) FROM principal
            WHERE access_key_id = $1 OR previous_access_key_id = $1 ORDER BY seq LIMIT 1
            """
        let accessKeyId: String
        var parameter: String { accessKeyId }

        func decodeRow(_ row: PostgresRow) throws -> CredentialProfile { try PostgresClaimStore.principal(row) }
    }

    /// A device and its tags, in one snapshot (DescribeDevice).
    struct DeviceWithTagsByID: OneTextParameter {
        static let sql = """
            SELECT \(PostgresClaimStore.deviceColumns),
                   ARRAY(SELECT key FROM device_tag WHERE device_tag.device_id = device.device_id ORDER BY key),
                   ARRAY(SELECT value FROM device_tag WHERE device_tag.device_id = device.device_id ORDER BY key)
            FROM device WHERE device_id = $1
            """
        let deviceId: String
        var parameter: String { deviceId }

        func decodeRow(_ row: PostgresRow) throws -> DeviceWithTags {
            let columns = row.makeRandomAccess()
            let keys = try columns[12].decode([String].self)
            let values = try columns[13].decode([String].self)
            return DeviceWithTags(device: try PostgresClaimStore.device(row),
                                                     tags: Dictionary(zip(keys, values), uniquingKeysWith: { _, last in last }))
        }
    }

    /// A device, and whether any event has reported its remaining life yet (ingest's first statement).
    struct DeviceForIngest: OneTextParameter {
        static let sql = "SELECT \(PostgresClaimStore.deviceColumns), remaining_life_known FROM device WHERE device_id = $1"
        let deviceId: String
        var parameter: String { deviceId }

        func decodeRow(_ row: PostgresRow) throws -> (DeviceRecord, Bool) {
            (try PostgresClaimStore.device(row), try row.makeRandomAccess()[12].decode(Bool.self))
        }
    }

    /// Ingest's second statement: the event unless its id is stored, the remaining life when it
    /// changed, and the callback, atomically; whether the event was new.
    struct StoreEvent: PostgresPreparedStatement {
        static let sql = """
            WITH stored AS (
                INSERT INTO event (event_id, device_id, click_type, reported_time, remaining_life, remaining_life_reported,
                                   received_at, enabled_at_receipt)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (device_id, event_id) DO NOTHING
                RETURNING seq
            ), life AS (
                UPDATE device SET remaining_life = $5, remaining_life_known = true
                WHERE device_id = $2 AND $6 AND EXISTS (SELECT 1 FROM stored)
                  AND (remaining_life <> $5 OR NOT remaining_life_known)
            ), queued AS (
                INSERT INTO callback_delivery (event_id, event_seq, device_id, url, body, created_at)
                SELECT $1, seq, $2, $9, $10, $7 FROM stored WHERE $9::text IS NOT NULL
            )
            SELECT EXISTS (SELECT 1 FROM stored)
            """
        static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .int8, .float8, .bool, .int8, .bool, .text, .bytea]
        let eventId: String
        let deviceId: String
        let clickType: String
        let reportedTime: Int64
        let remainingLife: Double
        let reported: Bool
        let now: Int64
        let enabled: Bool
        let callbackURL: String?
        let callbackBody: ByteBuffer?

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 10)
            bindings.append(eventId)
            bindings.append(deviceId)
            bindings.append(clickType)
            bindings.append(reportedTime)
            bindings.append(remainingLife)
            bindings.append(reported)
            bindings.append(now)
            bindings.append(enabled)
            bindings.append(callbackURL)
            bindings.append(callbackBody)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Bool { try row.decode(Bool.self) }
    }
}

/// A prepared statement whose one parameter, `$1`, is a text.
protocol OneTextParameter: PostgresPreparedStatement {
    var parameter: String { get }
}

extension OneTextParameter {
    static var bindingDataTypes: [PostgresDataType] { [.text] }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(parameter)
        return bindings
    }
}

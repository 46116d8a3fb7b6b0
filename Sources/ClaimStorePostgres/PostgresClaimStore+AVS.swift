import ClaimService
import Logging
import OneClick
import PostgresNIO

/// Alexa for Business registrations (`AVSHandler` in ClaimService says which device is which).
extension PostgresClaimStore {
    package func registerAVSDevice(
        account: String, deviceKey: String, request: RegisterAVSDeviceRequest, tags: String, newArn: String, limit: Int, now: Int64
    ) async throws(ServiceError) -> String {
        try await write { connection, logger in
            for try await (product, arn) in try await connection.query("""
                SELECT product_id, device_arn FROM avs_device WHERE account_id = \(account) AND device_key = \(deviceKey)
                """, logger: logger).decode((String, String).self) {
                if product != request.ProductId {
                    throw ServiceError(.invalidDevice, "serial number \(request.DeviceSerialNumber ?? "") is already registered to product \(product): use that ProductId or another serial")
                }
                try await connection.query("""
                    UPDATE avs_device SET client_id = \(request.ClientId), user_code = \(request.UserCode), amazon_id = \(request.AmazonId),
                        room_arn = \(request.RoomArn), tags = \(tags)
                    WHERE account_id = \(account) AND device_key = \(deviceKey)
                    """, logger: logger)
                return arn
            }
            let count = try await Self.scalar(connection, "SELECT count(*) FROM avs_device WHERE account_id = \(account)",
                                              as: Int64.self, logger: logger) ?? 0
            guard count < limit else {
                throw ServiceError(.limitExceeded, "the account already has \(count) AVS devices, the limit: remove one before registering another")
            }
            try await connection.query("""
                INSERT INTO avs_device (account_id, device_key, device_arn, client_id, user_code, product_id, serial_number,
                                        amazon_id, room_arn, tags, registered_at)
                VALUES (\(account), \(deviceKey), \(newArn), \(request.ClientId), \(request.UserCode), \(request.ProductId),
                        \(request.DeviceSerialNumber), \(request.AmazonId), \(request.RoomArn), \(tags), \(now))
                """, logger: logger)
            return newArn
        }
    }
}

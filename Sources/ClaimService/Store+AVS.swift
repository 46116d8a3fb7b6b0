import GRDB
import OneClick

/// Alexa for Business registrations (`AVSHandler` says which device is which, and when each
/// error happens).
extension Store {
    func registerAVSDevice(
        account: String, deviceKey: String, request: RegisterAVSDeviceRequest, tags: String, newArn: String, limit: Int, now: Int64
    ) async throws(ServiceError) -> String {
        try await write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM avs_device WHERE accountId = ? AND deviceKey = ?",
                                          arguments: [account, deviceKey]) {
                let product: String = row["productId"]
                if product != request.ProductId {
                    throw ServiceError(.invalidDevice, "serial number \(request.DeviceSerialNumber ?? "") is already registered to product \(product): use that ProductId or another serial")
                }
                try db.execute(sql: """
                    UPDATE avs_device SET clientId = ?, userCode = ?, amazonId = ?, roomArn = ?, tags = ?
                    WHERE accountId = ? AND deviceKey = ?
                    """, arguments: [request.ClientId, request.UserCode, request.AmazonId, request.RoomArn, tags, account, deviceKey])
                return row["deviceArn"]
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM avs_device WHERE accountId = ?", arguments: [account]) ?? 0
            guard count < limit else {
                throw ServiceError(.limitExceeded, "the account already has \(count) AVS devices, the limit: remove one before registering another")
            }
            try db.execute(sql: """
                INSERT INTO avs_device (accountId, deviceKey, deviceArn, clientId, userCode, productId, serialNumber,
                                        amazonId, roomArn, tags, registeredAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [account, deviceKey, newArn, request.ClientId, request.UserCode, request.ProductId,
                                 request.DeviceSerialNumber, request.AmazonId, request.RoomArn, tags, now])
            return newArn
        }
    }
}

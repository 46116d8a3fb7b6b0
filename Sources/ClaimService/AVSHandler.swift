import Foundation
import GRDB
import OneClick

/// Alexa for Business RegisterAVSDevice. When each modeled error happens:
/// - `NotFoundException`: `RoomArn` is not one of the configured rooms (`rooms` in the service
///   configuration; `clickbridge serve --room ARN`).
/// - `LimitExceededException`: registering a new device would give the account more than
///   `avsDevicesPerAccount` (1000 by default) devices.
/// - `InvalidDeviceException`: the `DeviceSerialNumber` is already registered in the account to a
///   different `ProductId`.
/// - `ConcurrentModificationException`: another registration of the same device (same serial, or
///   same product and user code without a serial) is being written at that moment; retry.
/// A device is identified in its account by its serial number, or without one by its ProductId,
/// UserCode, AmazonId and ClientId. An identical repeat answers the same DeviceArn; a repeat with
/// other fields for the same serial and product updates the registration and keeps the ARN.
extension ClaimServiceCore {
    func registerAVSDevice(_ input: OperationInput) async throws(ServiceError) -> Reply {
        let request = try JSONWire.decode(RegisterAVSDeviceRequest.self, from: input.body, as: .json11)
        try AVSValidation.validate(request)
        if let room = request.RoomArn, !configuration.rooms.contains(room) {
            throw ServiceError(.notFound, "room \(room) does not exist: use a configured room ARN or leave RoomArn out")
        }
        let account = input.caller.accountId
        let deviceKey = request.DeviceSerialNumber.map { "serial:" + $0 }
            ?? "product:\(request.ProductId)|user:\(request.UserCode)|amazon:\(request.AmazonId)|client:\(request.ClientId)"
        let guardKey = account + "|" + deviceKey
        guard avsGuard.begin(guardKey) else {
            throw ServiceError(.concurrentModification, "another registration of this device is in progress: retry")
        }
        defer { avsGuard.end(guardKey) }
        let limit = configuration.avsDevicesPerAccount
        let newArn = "arn:aws:a4b:\(input.caller.region):\(account):device/" + UUID.random().lowercasedString.replacingOccurrences(of: "-", with: "")
        let tags = String(decoding: JSONWire.encode(request.Tags ?? []), as: UTF8.self)
        let arn: String = try await store.write { db in
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
                                 request.DeviceSerialNumber, request.AmazonId, request.RoomArn, tags, input.now])
            return newArn
        }
        return .ok(RegisterAVSDeviceResponse(deviceArn: arn))
    }
}

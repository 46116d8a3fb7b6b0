import Foundation
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
        let arn = try await store.registerAVSDevice(account: account, deviceKey: deviceKey, request: request, tags: tags,
                                                    newArn: newArn, limit: limit, now: input.now)
        return .ok(RegisterAVSDeviceResponse(deviceArn: arn))
    }
}

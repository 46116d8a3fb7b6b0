/// A device as stored. `ownerAccount` is set exactly while the device is CLAIMED.
struct DeviceRecord: Sendable, Equatable {
    var deviceId: String
    var type: String
    /// The principal that registered the device: the only one allowed on its device side.
    var boundPrincipal: String
    var boundAccount: String
    var claimCode: String?
    var attributes: [String: String]
    var ownerAccount: String?
    /// When the owner's claim began (its InitiateDeviceClaim or its ClaimDevicesByClaimCode), in
    /// µs since the epoch of the service's clock. Events received before it are not shown to it.
    var claimBeganAt: Int64?
    var enabled: Bool
    var remainingLife: Double
    var onClickCallback: String?
    var healthMonitorCallback: String?
}

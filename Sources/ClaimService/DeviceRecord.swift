/// A device as stored. `ownerAccount` is set exactly while the device is CLAIMED.
package struct DeviceRecord: Sendable, Equatable {
    package var deviceId: String
    package var type: String
    /// The principal that registered the device: the only one allowed on its device side.
    package var boundPrincipal: String
    package var boundAccount: String
    package var claimCode: String?
    package var attributes: [String: String]
    package var ownerAccount: String?
    /// When the owner's claim began (its InitiateDeviceClaim or its ClaimDevicesByClaimCode), in
    /// µs since the epoch of the service's clock. Events received before it are not shown to it.
    package var claimBeganAt: Int64?
    package var enabled: Bool
    package var remainingLife: Double
    package var onClickCallback: String?
    package var healthMonitorCallback: String?

    package init(deviceId: String, type: String, boundPrincipal: String, boundAccount: String, claimCode: String?,
                 attributes: [String: String], ownerAccount: String?, claimBeganAt: Int64?, enabled: Bool, remainingLife: Double,
                 onClickCallback: String?, healthMonitorCallback: String?) {
        self.deviceId = deviceId
        self.type = type
        self.boundPrincipal = boundPrincipal
        self.boundAccount = boundAccount
        self.claimCode = claimCode
        self.attributes = attributes
        self.ownerAccount = ownerAccount
        self.claimBeganAt = claimBeganAt
        self.enabled = enabled
        self.remainingLife = remainingLife
        self.onClickCallback = onClickCallback
        self.healthMonitorCallback = healthMonitorCallback
    }
}

// Request and response shapes of the claim operations. Members the model places in the URI are
// ordinary properties that are not part of the JSON body (their CodingKeys leave them out).

/// `PUT /claims/{claimCode}`; no body.
public struct ClaimDevicesByClaimCodeRequest: Sendable, Equatable {
    public var claimCode: String
    public init(claimCode: String) { self.claimCode = claimCode }
}

public struct ClaimDevicesByClaimCodeResponse: Codable, Sendable, Equatable {
    public var claimCode: String?
    public var total: Int?
    public init(claimCode: String? = nil, total: Int? = nil) {
        self.claimCode = claimCode
        self.total = total
    }
}

/// `PUT /devices/{deviceId}/initiate-claim`; no body.
public struct InitiateDeviceClaimRequest: Sendable, Equatable {
    public var deviceId: String
    public init(deviceId: String) { self.deviceId = deviceId }
}

/// `PUT /devices/{deviceId}/finalize-claim` with body `{"tags":{…}}` (or `{}`).
public struct FinalizeDeviceClaimRequest: Codable, Sendable, Equatable {
    public var deviceId: String = ""
    public var tags: [String: String]?
    public init(deviceId: String, tags: [String: String]? = nil) {
        self.deviceId = deviceId
        self.tags = tags
    }
    private enum CodingKeys: String, CodingKey { case tags }
}

/// `PUT /devices/{deviceId}/unclaim`; no body.
public struct UnclaimDeviceRequest: Sendable, Equatable {
    public var deviceId: String
    public init(deviceId: String) { self.deviceId = deviceId }
}

/// The model's `DeviceClaimResponse`: `{"state": …}`.
public struct DeviceClaimResponse: Codable, Sendable, Equatable {
    public var state: String?
    public init(state: String? = nil) { self.state = state }
}

public typealias InitiateDeviceClaimResponse = DeviceClaimResponse
public typealias FinalizeDeviceClaimResponse = DeviceClaimResponse
public typealias UnclaimDeviceResponse = DeviceClaimResponse

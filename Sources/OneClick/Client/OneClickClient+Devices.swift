import Foundation

/// The 13 operations of `iot1click-devices` (API 2018-05-14), with the model's methods, URIs and
/// wire names (botocore's iot1click-devices 2018-05-14 model).
extension OneClickClient {
    public func claimDevicesByClaimCode(_ claimCode: String) async throws(OneClickClientError) -> ClaimDevicesByClaimCodeResponse {
        try await call(Operation(name: "ClaimDevicesByClaimCode", method: .PUT, path: "/claims/\(Self.label(claimCode))"),
                       as: ClaimDevicesByClaimCodeResponse.self)
    }

    public func describeDevice(deviceId: String) async throws(OneClickClientError) -> DescribeDeviceResponse {
        try await call(Operation(name: "DescribeDevice", method: .GET, path: "/devices/\(Self.label(deviceId))"),
                       as: DescribeDeviceResponse.self)
    }

    /// Sends `{}` without tags, as botocore does.
    public func finalizeDeviceClaim(deviceId: String, tags: [String: String]? = nil) async throws(OneClickClientError) -> FinalizeDeviceClaimResponse {
        try await call(Operation(name: "FinalizeDeviceClaim", method: .PUT, path: "/devices/\(Self.label(deviceId))/finalize-claim",
                                 body: Self.encode(FinalizeDeviceClaimRequest(deviceId: deviceId, tags: tags)), contentType: "application/json"),
                              as: FinalizeDeviceClaimResponse.self)
    }

    public func getDeviceMethods(deviceId: String) async throws(OneClickClientError) -> GetDeviceMethodsResponse {
        try await call(Operation(name: "GetDeviceMethods", method: .GET, path: "/devices/\(Self.label(deviceId))/methods"),
                       as: GetDeviceMethodsResponse.self)
    }

    public func initiateDeviceClaim(deviceId: String) async throws(OneClickClientError) -> InitiateDeviceClaimResponse {
        try await call(Operation(name: "InitiateDeviceClaim", method: .PUT, path: "/devices/\(Self.label(deviceId))/initiate-claim"),
                       as: InitiateDeviceClaimResponse.self)
    }

    /// `deviceMethodParameters` is a string holding JSON, as the model has it.
    public func invokeDeviceMethod(deviceId: String, deviceMethod: DeviceMethod? = nil,
                                   deviceMethodParameters: String? = nil) async throws(OneClickClientError) -> InvokeDeviceMethodResponse {
        let request = InvokeDeviceMethodRequest(deviceId: deviceId, deviceMethod: deviceMethod, deviceMethodParameters: deviceMethodParameters)
        return try await call(Operation(name: "InvokeDeviceMethod", method: .POST, path: "/devices/\(Self.label(deviceId))/methods",
                                        body: Self.encode(request), contentType: "application/json"),
                              as: InvokeDeviceMethodResponse.self)
    }

    public func listDeviceEvents(deviceId: String, from: Date, to: Date, maxResults: Int? = nil,
                                 nextToken: String? = nil) async throws(OneClickClientError) -> ListDeviceEventsResponse {
        var query = [("fromTimeStamp", Self.timestamp(from)), ("toTimeStamp", Self.timestamp(to))]
        if let maxResults { query.append(("maxResults", String(maxResults))) }
        if let nextToken { query.append(("nextToken", nextToken)) }
        return try await call(Operation(name: "ListDeviceEvents", method: .GET, path: "/devices/\(Self.label(deviceId))/events", query: query),
                              as: ListDeviceEventsResponse.self)
    }

    public func listDevices(deviceType: String? = nil, maxResults: Int? = nil,
                            nextToken: String? = nil) async throws(OneClickClientError) -> ListDevicesResponse {
        var query: [(String, String)] = []
        if let deviceType { query.append(("deviceType", deviceType)) }
        if let maxResults { query.append(("maxResults", String(maxResults))) }
        if let nextToken { query.append(("nextToken", nextToken)) }
        return try await call(Operation(name: "ListDevices", method: .GET, path: "/devices", query: query), as: ListDevicesResponse.self)
    }

    public func listTagsForResource(resourceArn: String) async throws(OneClickClientError) -> ListTagsForResourceResponse {
        try await call(Operation(name: "ListTagsForResource", method: .GET, path: "/tags/\(Self.label(resourceArn))"),
                       as: ListTagsForResourceResponse.self)
    }

    /// Answers 204 with no body.
    public func tagResource(resourceArn: String, tags: [String: String]) async throws(OneClickClientError) {
        _ = try await send(Operation(name: "TagResource", method: .POST, path: "/tags/\(Self.label(resourceArn))",
                                     body: Self.encode(TagResourceRequest(resourceArn: resourceArn, tags: tags)), contentType: "application/json"))
    }

    public func unclaimDevice(deviceId: String) async throws(OneClickClientError) -> UnclaimDeviceResponse {
        try await call(Operation(name: "UnclaimDevice", method: .PUT, path: "/devices/\(Self.label(deviceId))/unclaim"),
                       as: UnclaimDeviceResponse.self)
    }

    /// `tagKeys` go in the query as a repeated key. Answers 204 with no body.
    public func untagResource(resourceArn: String, tagKeys: [String]) async throws(OneClickClientError) {
        _ = try await send(Operation(name: "UntagResource", method: .DELETE, path: "/tags/\(Self.label(resourceArn))",
                                     query: tagKeys.map { ("tagKeys", $0) }))
    }

    public func updateDeviceState(deviceId: String, enabled: Bool?) async throws(OneClickClientError) -> UpdateDeviceStateResponse {
        try await call(Operation(name: "UpdateDeviceState", method: .PUT, path: "/devices/\(Self.label(deviceId))/state",
                                 body: Self.encode(UpdateDeviceStateRequest(deviceId: deviceId, enabled: enabled)), contentType: "application/json"),
                              as: UpdateDeviceStateResponse.self)
    }
}

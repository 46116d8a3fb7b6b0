import Foundation

/// The device-side calls (ARCHITECTURE.md, "Device side"), this project's extension of the API,
/// signed like every other call (by the bridge's principal).
extension OneClickClient {
    /// `PUT /devices/{deviceId}/registration`: binds the device to the caller, with its claim code.
    public func registerDevice(deviceId: String, _ registration: DeviceRegistrationRequest = DeviceRegistrationRequest()) async throws(OneClickClientError) -> DeviceRegistrationResponse {
        try await call(Operation(name: "RegisterDevice", method: .PUT, path: "/devices/\(Self.label(deviceId))/registration",
                                 body: Self.encode(registration), contentType: "application/json"),
                       as: DeviceRegistrationResponse.self)
    }

    /// `GET /devices/{deviceId}/registration`: the device's claim state, for the principal it is
    /// bound to (404 when it was never registered, 403 for another principal).
    public func describeRegistration(deviceId: String) async throws(OneClickClientError) -> DeviceRegistrationStatus {
        try await call(Operation(name: "DescribeRegistration", method: .GET, path: "/devices/\(Self.label(deviceId))/registration"),
                       as: DeviceRegistrationStatus.self)
    }

    /// `POST /devices/{deviceId}/events`: one press. A repeat of the same event answers
    /// `duplicate: true`, so retrying is safe.
    public func publishEvent(deviceId: String, _ event: DeviceEventRequest) async throws(OneClickClientError) -> DeviceEventResponse {
        try await call(Operation(name: "PublishEvent", method: .POST, path: "/devices/\(Self.label(deviceId))/events",
                                 body: Self.encode(event), contentType: "application/json"),
                       as: DeviceEventResponse.self)
    }
}

// Request and response shapes of the device operations (describe, list, events, methods, state).

/// `GET /devices/{deviceId}`.
public struct DescribeDeviceRequest: Sendable, Equatable {
    public var deviceId: String
    public init(deviceId: String) { self.deviceId = deviceId }
}

public struct DescribeDeviceResponse: Codable, Sendable, Equatable {
    public var deviceDescription: DeviceDescription?
    public init(deviceDescription: DeviceDescription? = nil) { self.deviceDescription = deviceDescription }
}

/// `GET /devices?deviceType=&maxResults=&nextToken=`.
public struct ListDevicesRequest: Sendable, Equatable {
    public var deviceType: String?
    public var maxResults: Int?
    public var nextToken: String?
    public init(deviceType: String? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.deviceType = deviceType
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct ListDevicesResponse: Codable, Sendable, Equatable {
    public var devices: [DeviceDescription]?
    public var nextToken: String?
    public init(devices: [DeviceDescription]? = nil, nextToken: String? = nil) {
        self.devices = devices
        self.nextToken = nextToken
    }
}

/// `GET /devices/{deviceId}/events?fromTimeStamp=&toTimeStamp=&maxResults=&nextToken=`.
/// The timestamps are ISO-8601 UTC strings on the wire (see `WireTimestamp`).
public struct ListDeviceEventsRequest: Sendable, Equatable {
    public var deviceId: String
    public var fromTimeStamp: String
    public var toTimeStamp: String
    public var maxResults: Int?
    public var nextToken: String?
    public init(deviceId: String, fromTimeStamp: String, toTimeStamp: String, maxResults: Int? = nil, nextToken: String? = nil) {
        self.deviceId = deviceId
        self.fromTimeStamp = fromTimeStamp
        self.toTimeStamp = toTimeStamp
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

/// The model's `ListDeviceEventsResponse` (same members as `DeviceEventsResponse`).
public struct ListDeviceEventsResponse: Codable, Sendable, Equatable {
    public var events: [DeviceEvent]?
    public var nextToken: String?
    public init(events: [DeviceEvent]? = nil, nextToken: String? = nil) {
        self.events = events
        self.nextToken = nextToken
    }
}

/// `GET /devices/{deviceId}/methods`.
public struct GetDeviceMethodsRequest: Sendable, Equatable {
    public var deviceId: String
    public init(deviceId: String) { self.deviceId = deviceId }
}

public struct GetDeviceMethodsResponse: Codable, Sendable, Equatable {
    public var deviceMethods: [DeviceMethod]?
    public init(deviceMethods: [DeviceMethod]? = nil) { self.deviceMethods = deviceMethods }
}

/// `POST /devices/{deviceId}/methods` with `{"deviceMethod":{…},"deviceMethodParameters":"<JSON>"}`.
public struct InvokeDeviceMethodRequest: Codable, Sendable, Equatable {
    public var deviceId: String = ""
    public var deviceMethod: DeviceMethod?
    /// A string holding JSON, e.g. `{"callback":{"url":"https://…"}}`.
    public var deviceMethodParameters: String?
    public init(deviceId: String, deviceMethod: DeviceMethod? = nil, deviceMethodParameters: String? = nil) {
        self.deviceId = deviceId
        self.deviceMethod = deviceMethod
        self.deviceMethodParameters = deviceMethodParameters
    }
    private enum CodingKeys: String, CodingKey { case deviceMethod, deviceMethodParameters }
}

public struct InvokeDeviceMethodResponse: Codable, Sendable, Equatable {
    /// A string holding JSON, e.g. `{"remainingLife":99.8}`.
    public var deviceMethodResponse: String?
    public init(deviceMethodResponse: String? = nil) { self.deviceMethodResponse = deviceMethodResponse }
}

/// `PUT /devices/{deviceId}/state` with `{"enabled": bool}`.
public struct UpdateDeviceStateRequest: Codable, Sendable, Equatable {
    public var deviceId: String = ""
    public var enabled: Bool?
    public init(deviceId: String, enabled: Bool? = nil) {
        self.deviceId = deviceId
        self.enabled = enabled
    }
    private enum CodingKeys: String, CodingKey { case enabled }
}

/// An empty structure: the body is `{}`.
public struct UpdateDeviceStateResponse: Codable, Sendable, Equatable {
    public init() {}
}

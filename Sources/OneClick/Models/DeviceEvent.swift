/// `DeviceEvent` of the iot1click-devices model. `stdEvent` is a *string* holding serialized JSON;
/// for a button it is the flat form of `StdEvent`.
public struct DeviceEvent: Codable, Sendable, Equatable {
    public var device: Device?
    public var stdEvent: String?

    public init(device: Device? = nil, stdEvent: String? = nil) {
        self.device = device
        self.stdEvent = stdEvent
    }
}

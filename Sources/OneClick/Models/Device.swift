/// `Device` of the iot1click-devices model, as nested in a `DeviceEvent`.
/// `attributes` is an empty structure in the model, i.e. free-form; string values are what this
/// project stores.
public struct Device: Codable, Sendable, Equatable {
    public var attributes: [String: String]?
    public var deviceId: String?
    public var type: String?

    public init(attributes: [String: String]? = nil, deviceId: String? = nil, type: String? = nil) {
        self.attributes = attributes
        self.deviceId = deviceId
        self.type = type
    }
}

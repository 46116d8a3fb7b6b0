/// `DeviceDescription` of the iot1click-devices model: what DescribeDevice and ListDevices return.
/// Wire names are the model's lowerCamel `locationName`s.
public struct DeviceDescription: Codable, Sendable, Equatable {
    public var arn: String?
    public var attributes: [String: String]?
    public var deviceId: String?
    public var enabled: Bool?
    /// A 0–100 percentage (the shape is `__doubleMin0Max100`; botocore's iot1click-devices model).
    public var remainingLife: Double?
    public var type: String?
    public var tags: [String: String]?

    public init(
        arn: String? = nil, attributes: [String: String]? = nil, deviceId: String? = nil,
        enabled: Bool? = nil, remainingLife: Double? = nil, type: String? = nil, tags: [String: String]? = nil
    ) {
        self.arn = arn
        self.attributes = attributes
        self.deviceId = deviceId
        self.enabled = enabled
        self.remainingLife = remainingLife
        self.type = type
        self.tags = tags
    }
}

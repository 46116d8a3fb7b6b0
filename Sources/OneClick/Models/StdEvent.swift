/// The button event carried (as a JSON string) in `DeviceEvent.stdEvent`, in the flat form of the
/// AWS CLI's list-device-events example: `{"clickType","reportedTime","remainingLife","testMode"}`.
public struct StdEvent: Codable, Sendable, Equatable {
    public var clickType: String
    /// ISO-8601 UTC with milliseconds, e.g. `2019-07-18T23:47:55.015Z`.
    public var reportedTime: String
    public var remainingLife: Double?
    public var testMode: Bool

    public init(clickType: String, reportedTime: String, remainingLife: Double? = nil, testMode: Bool = false) {
        self.clickType = clickType
        self.reportedTime = reportedTime
        self.remainingLife = remainingLife
        self.testMode = testMode
    }

    private enum CodingKeys: String, CodingKey {
        case clickType, reportedTime, remainingLife, testMode
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(clickType, forKey: .clickType)
        try c.encode(reportedTime, forKey: .reportedTime)
        try c.encodeIfPresent(remainingLife, forKey: .remainingLife)
        try c.encode(testMode, forKey: .testMode)
    }
}

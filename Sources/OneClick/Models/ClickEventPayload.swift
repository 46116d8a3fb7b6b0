import Foundation

/// The 1-Click button payload, as 1-Click handed it to a Lambda function or callback (see
/// the AWS IoT 1-Click button click event). ClickBridge sends it to webhooks, on the stdin
/// of exec actions, and to a claimed device's callback URL. `placementInfo` is left out: there
/// are no projects or placements here, and 1-Click omits it too for a device without one.
public struct ClickEventPayload: Codable, Sendable, Equatable {
    public var deviceInfo: DeviceInfo
    public var deviceEvent: DeviceEventBody

    public struct DeviceInfo: Codable, Sendable, Equatable {
        public var deviceId: String
        public var type: String
        /// Left out when unknown: a wired button has no battery to report.
        public var remainingLife: Double?
        public var attributes: [String: String]
    }

    public struct DeviceEventBody: Codable, Sendable, Equatable {
        public var buttonClicked: ButtonClicked
    }

    public struct ButtonClicked: Codable, Sendable, Equatable {
        /// `SINGLE`, `DOUBLE` or `LONG`.
        public var clickType: String
        /// ISO-8601 UTC with milliseconds.
        public var reportedTime: String
    }

    public init(deviceId: String, clickType: String, reportedTime: String, remainingLife: Double? = nil,
                attributes: [String: String] = [:], type: String = "button") {
        deviceInfo = DeviceInfo(deviceId: deviceId, type: type, remainingLife: remainingLife, attributes: attributes)
        deviceEvent = DeviceEventBody(buttonClicked: ButtonClicked(clickType: clickType, reportedTime: reportedTime))
    }

    /// Compact JSON with sorted keys: the same event always gives the same bytes, so a signature
    /// over it is reproducible.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, doubles and dictionaries cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8))
    }
}

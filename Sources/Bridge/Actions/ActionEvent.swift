import OneClick
import Presses

/// A press as its actions see it: committed to the outbox, so it has its event id.
public struct ActionEvent: Sendable, Equatable {
    public var eventId: String
    public var deviceId: String
    /// The button's name (ARCHITECTURE.md, "Button names"): `CLICKBRIDGE_BUTTON`.
    public var button: String
    public var clickType: ClickType
    /// ISO-8601 UTC with milliseconds, as published.
    public var reportedTime: String

    public init(eventId: String, deviceId: String, button: String, clickType: ClickType, reportedTime: String) {
        self.eventId = eventId
        self.deviceId = deviceId
        self.button = button
        self.clickType = clickType
        self.reportedTime = reportedTime
    }

    /// The body of webhooks and the stdin of commands: the 1-Click button payload.
    public var payload: [UInt8] {
        ClickEventPayload(deviceId: deviceId, clickType: clickType.rawValue, reportedTime: reportedTime).jsonBytes()
    }

    /// The whole environment of an exec action: the press, and a fixed PATH.
    public var environment: [(String, String)] {
        [
            ("PATH", ExecAction.searchPath),
            ("CLICKBRIDGE_CLICK_TYPE", clickType.rawValue),
            ("CLICKBRIDGE_DEVICE_ID", deviceId),
            ("CLICKBRIDGE_BUTTON", button),
            ("CLICKBRIDGE_REPORTED_TIME", reportedTime),
            ("CLICKBRIDGE_EVENT_ID", eventId),
        ]
    }
}

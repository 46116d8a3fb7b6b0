import Foundation
import OneClick
import Presses

/// A press as its actions see it: committed to the outbox, so it has its event id.
public struct ActionEvent: Sendable, Equatable {
    public var eventId: String
    public var deviceId: String
    /// The button's name (ARCHITECTURE.md, "Button names"): `CLICKBRIDGE_BUTTON`.
    public var button: String
    public var gesture: Gesture
    /// ISO-8601 UTC with milliseconds, as published.
    public var reportedTime: String

    public init(eventId: String, deviceId: String, button: String, gesture: Gesture, reportedTime: String) {
        self.eventId = eventId
        self.deviceId = deviceId
        self.button = button
        self.gesture = gesture
        self.reportedTime = reportedTime
    }

    public init(eventId: String, deviceId: String, button: String, clickType: ClickType, reportedTime: String) {
        self.init(eventId: eventId, deviceId: deviceId, button: button, gesture: Gesture(clickType), reportedTime: reportedTime)
    }

    /// The 1-Click click type: nil for gestures beyond SINGLE, DOUBLE and LONG.
    public var clickType: ClickType? { gesture.clickType }

    /// The body of webhooks and the stdin of commands (hardware/actions.md, "The event JSON").
    /// SINGLE, DOUBLE and LONG get the 1-Click button payload, which code written for 1-Click
    /// reads unchanged, with `gesture` (and DOUBLE's `count`) added beside it. The other gestures
    /// have no 1-Click form: `{deviceId, button, gesture, count?, heldFor?, reportedTime, eventId}`.
    public var payload: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let heldFor = gesture.heldFor.map { Double($0.nanoseconds) / 1e9 }
        let data: Data?
        if let clickType {
            let oneClick = ClickEventPayload(deviceId: deviceId, clickType: clickType.rawValue, reportedTime: reportedTime)
            data = try? encoder.encode(OneClickBody(deviceInfo: oneClick.deviceInfo, deviceEvent: oneClick.deviceEvent,
                                                    gesture: gesture.name.rawValue, count: gesture.count))
        } else {
            data = try? encoder.encode(GestureBody(deviceId: deviceId, button: button, gesture: gesture.name.rawValue,
                                                   count: gesture.count, heldFor: heldFor, reportedTime: reportedTime,
                                                   eventId: eventId))
        }
        // Encoding plain strings and numbers cannot fail.
        return Array(data ?? Data("{}".utf8))
    }

    private struct OneClickBody: Encodable {
        var deviceInfo: ClickEventPayload.DeviceInfo
        var deviceEvent: ClickEventPayload.DeviceEventBody
        var gesture: String
        var count: Int?
    }

    private struct GestureBody: Encodable {
        var deviceId: String
        var button: String
        var gesture: String
        var count: Int?
        /// Seconds, as `replay --json` gives it.
        var heldFor: Double?
        var reportedTime: String
        var eventId: String
    }

    /// The whole environment of an exec action: the press, and a fixed PATH.
    /// `CLICKBRIDGE_CLICK_TYPE` only for the 1-Click three; `CLICKBRIDGE_PRESS_COUNT` where the
    /// gesture has a count (DOUBLE and beyond, LONG_REPEAT); `CLICKBRIDGE_HELD_MS` for LONG_RELEASE.
    public var environment: [(String, String)] {
        var env = [("PATH", ExecAction.searchPath)]
        if let clickType { env.append(("CLICKBRIDGE_CLICK_TYPE", clickType.rawValue)) }
        env += [
            ("CLICKBRIDGE_GESTURE", gesture.name.rawValue),
            ("CLICKBRIDGE_DEVICE_ID", deviceId),
            ("CLICKBRIDGE_BUTTON", button),
            ("CLICKBRIDGE_REPORTED_TIME", reportedTime),
            ("CLICKBRIDGE_EVENT_ID", eventId),
        ]
        if let count = gesture.count { env.append(("CLICKBRIDGE_PRESS_COUNT", String(count))) }
        // Whole milliseconds, rounded down: a shell compares integers.
        if let held = gesture.heldFor { env.append(("CLICKBRIDGE_HELD_MS", String(held.nanoseconds / 1_000_000))) }
        return env
    }
}

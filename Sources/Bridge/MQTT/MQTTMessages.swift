import Foundation
import OneClick
import Presses

/// One message for the broker: topic, payload, QoS and retain flag.
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: Int32
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }

    public init(topic: String, text: String, qos: Int32 = 1, retain: Bool) {
        self.init(topic: topic, payload: Array(text.utf8), qos: qos, retain: retain)
    }
}

/// A committed gesture on its way to the broker: what the `action` and `event` messages say, and
/// the monotonic instant of its decision, from which its age is judged against `maxAge`.
public struct GesturePublication: Sendable, Equatable {
    public var button: String
    public var deviceId: String
    public var gesture: Gesture
    public var eventId: String
    /// ISO-8601 UTC with milliseconds, on the wall clock (`ReportedTime`).
    public var pressedAt: String
    public var decidedAt: String
    public var decidedAtMonotonic: Timestamp

    public init(button: String, deviceId: String, gesture: Gesture, eventId: String, pressedAt: String, decidedAt: String,
                decidedAtMonotonic: Timestamp) {
        self.button = button
        self.deviceId = deviceId
        self.gesture = gesture
        self.eventId = eventId
        self.pressedAt = pressedAt
        self.decidedAt = decidedAt
        self.decidedAtMonotonic = decidedAtMonotonic
    }

    /// The press with the event id and `reportedTime` its commit gave it. `pressedAt` is placed
    /// before `reportedTime` by the press's own duration, so both rest on one clock reading.
    public init(press: Press, deviceId: String, eventId: String, reportedTime: String) {
        let decided = WireTimestamp(reportedTime) ?? WireTimestamp.now()
        let before = (press.decidedAt - press.pressedAt).nanoseconds / 1000
        self.init(button: press.button, deviceId: deviceId, gesture: press.gesture, eventId: eventId,
                  pressedAt: WireTimestamp(microseconds: decided.microseconds - max(0, before)).formatted,
                  decidedAt: decided.formatted, decidedAtMonotonic: press.decidedAt)
    }
}

/// The topics and payloads of one node (hardware/home-assistant.md, "The raw topics").
public struct MQTTTopics: Sendable {
    public var base: String
    public var node: String
    public var discoveryPrefix: String

    public init(_ config: MQTTConfig) {
        base = config.baseTopic
        node = config.node
        discoveryPrefix = config.discoveryPrefix
    }

    public var availability: String { "\(base)/\(node)/availability" }
    /// Home Assistant's birth and last will (`online`, `offline`).
    public var homeAssistantStatus: String { "\(discoveryPrefix)/status" }
    public func action(_ button: String) -> String { "\(base)/\(node)/\(MQTTNames.buttonLevel(button))/action" }
    public func event(_ button: String) -> String { "\(base)/\(node)/\(MQTTNames.buttonLevel(button))/event" }

    /// `online` or `offline`, QoS 1, retained.
    public func availabilityMessage(online: Bool) -> MQTTMessage {
        MQTTMessage(topic: availability, text: online ? "online" : "offline", retain: true)
    }

    /// The two messages of one gesture, in this order: `action`, then `event`. QoS 1, not retained.
    public func messages(for p: GesturePublication) -> [MQTTMessage] {
        var event: [String: MQTTJSON] = [
            "event_type": .string(GestureVocabulary.eventType(p.gesture.name)),
            "gesture": .string(p.gesture.name.rawValue),
            "button": .string(p.button),
            "device_id": .string(p.deviceId),
            "event_id": .string(p.eventId),
            "pressed_at": .string(p.pressedAt),
            "decided_at": .string(p.decidedAt),
        ]
        if let count = p.gesture.count {
            event["count"] = .int(count)
            // Home Assistant's multi_press_end carries its count under this name.
            if p.gesture.name != .longRepeat { event["multi_press_count"] = .int(count) }
        }
        if let held = p.gesture.heldFor { event["held_for"] = .double(Double(held.nanoseconds) / 1e9) }
        return [
            MQTTMessage(topic: action(p.button), text: GestureVocabulary.action(p.gesture.name), retain: false),
            MQTTMessage(topic: self.event(p.button), payload: MQTTJSON.object(event).bytes, retain: false),
        ]
    }
}

/// How each gesture is spelled on the broker and in Home Assistant (hardware/home-assistant.md).
public enum GestureVocabulary {
    /// The `action` payload: the gesture in lower case.
    public static func action(_ name: Gesture.Name) -> String { name.rawValue.lowercased() }

    /// Home Assistant's standard button event types.
    public static func eventType(_ name: Gesture.Name) -> String {
        switch name {
        case .single: "press_end"
        case .double, .triple, .quadruple, .quintuple: "multi_press_end"
        case .long: "long_press_start"
        case .longRelease: "long_press_end"
        case .longRepeat: "long_repeat"
        }
    }

    /// The device-trigger `type` of a gesture; nil for LONG_REPEAT, which gets no trigger.
    public static func triggerType(_ name: Gesture.Name) -> String? {
        switch name {
        case .single: "button_short_press"
        case .double: "button_double_press"
        case .triple: "button_triple_press"
        case .quadruple: "button_quadruple_press"
        case .quintuple: "button_quintuple_press"
        case .long: "button_long_press"
        case .longRelease: "button_long_release"
        case .longRepeat: nil
        }
    }

    /// Every gesture a button with this timing can emit, in `Gesture.Name`'s order.
    public static func gestures(for timing: PressTiming) -> [Gesture.Name] {
        Gesture.Name.allCases.filter { name in
            switch name {
            case .single, .long: true
            case .double: timing.maxPresses >= 2
            case .triple: timing.maxPresses >= 3
            case .quadruple: timing.maxPresses >= 4
            case .quintuple: timing.maxPresses >= 5
            case .longRelease: timing.longRelease
            case .longRepeat: timing.repeat > .zero
            }
        }
    }
}

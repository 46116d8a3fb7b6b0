import Presses

/// Home Assistant's MQTT discovery for one node, in the one-message-per-component form: one
/// device for the node, one `event` entity per button, and one device trigger per gesture the
/// button can emit except LONG_REPEAT (ARCHITECTURE.md, "MQTT and Home Assistant"). Keys are written out in full, as Home
/// Assistant's documentation lists them for the `event` and `device_automation` platforms.
public struct MQTTDiscovery: Sendable {
    public let topics: MQTTTopics
    public let buttons: [AnnouncedButton]

    public init(topics: MQTTTopics, buttons: [AnnouncedButton]) {
        self.topics = topics
        self.buttons = buttons
    }

    /// The configuration messages, each retained with QoS 1, in button order.
    public var messages: [MQTTMessage] {
        var out: [MQTTMessage] = []
        for (index, button) in buttons.enumerated() {
            let level = MQTTNames.buttonLevel(button.name)
            let gestures = GestureVocabulary.gestures(for: button.timing)
            var eventTypes: [String] = []
            for g in gestures where !eventTypes.contains(GestureVocabulary.eventType(g)) {
                eventTypes.append(GestureVocabulary.eventType(g))
            }
            let entity: MQTTJSON = [
                "name": .string(button.name),
                "unique_id": "clickbridge_\(topics.node)_\(level)",
                "state_topic": .string(topics.event(button.name)),
                "event_types": .array(eventTypes.map(MQTTJSON.string)),
                "device_class": "button",
                "availability_topic": .string(topics.availability),
                "qos": 1,
                "device": device,
                "origin": Self.origin,
            ]
            out.append(MQTTMessage(topic: eventTopic(level), payload: entity.bytes, retain: true))
            for g in gestures {
                guard let type = GestureVocabulary.triggerType(g) else { continue }
                // Device triggers carry no availability: Home Assistant's trigger schema drops it.
                let trigger: MQTTJSON = [
                    "automation_type": "trigger",
                    "type": .string(type),
                    "subtype": "button_\(index + 1)",
                    "topic": .string(topics.action(button.name)),
                    "payload": .string(GestureVocabulary.action(g)),
                    "qos": 1,
                    "device": device,
                    "origin": Self.origin,
                ]
                out.append(MQTTMessage(topic: triggerTopic(level, g), payload: trigger.bytes, retain: true))
            }
        }
        return out
    }

    /// Every topic `messages` uses: what the next start clears when a button is gone.
    public var configTopics: [String] { messages.map(\.topic) }

    /// An empty retained payload removes a discovered component from Home Assistant and the broker.
    public static func clearing(_ topic: String) -> MQTTMessage { MQTTMessage(topic: topic, payload: [], retain: true) }

    func eventTopic(_ level: String) -> String { "\(topics.discoveryPrefix)/event/\(topics.node)/\(level)/config" }

    func triggerTopic(_ level: String, _ gesture: Gesture.Name) -> String {
        "\(topics.discoveryPrefix)/device_automation/\(topics.node)/\(level)_\(GestureVocabulary.action(gesture))/config"
    }

    /// One device per node.
    var device: MQTTJSON {
        ["identifiers": ["clickbridge_\(topics.node)"], "name": .string(topics.node), "manufacturer": "ClickBridge", "model": "ClickBridge"]
    }

    static var origin: MQTTJSON { ["name": "ClickBridge"] }
}

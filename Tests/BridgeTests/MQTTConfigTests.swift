import Foundation
import Presses
import TestSupport
import Testing
@testable import Bridge

/// The `mqtt:` block: defaults, every key, and a located error for each kind of mistake.
@Suite struct MQTTConfigTests {
    static let buttons = """
        buttons:
          - deviceId: G030PM0123456789
            name: Porch Door
            gpio: { chip: gpiochip0, line: GPIO17 }

        """

    func parse(_ mqtt: String) throws(ConfigError) -> BridgeConfig {
        try ConfigLoader.parse(Self.buttons + mqtt, file: "c.yaml")
    }

    /// The error for `mqtt`, as one line.
    func error(_ mqtt: String) -> String {
        do { _ = try parse(mqtt); return "no error" } catch { return error.description }
    }

    @Test func defaultsFollowDesign() throws {
        let m = try #require(try parse("mqtt:\n  broker: mqtt://192.168.1.10\n").mqtt)
        #expect(m.host == "192.168.1.10" && m.port == 1883 && !m.tls)
        #expect(m.baseTopic == "clickbridge" && m.discoveryPrefix == "homeassistant" && m.discovery)
        #expect(m.maxAge == .seconds(10) && m.keepalive == 60 && m.protocolVersion == .v5)
        #expect(m.node == MQTTConfig.defaultNode())
        #expect(m.node.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-" })
        #expect(try parse("").mqtt == nil)
    }

    @Test func everyKeyIsRead() throws {
        let m = try #require(try parse("""
            mqtt:
              broker: mqtts://[::1]
              ca: /etc/ca.pem
              cert: client.pem
              key: client.key
              username: clickbridge
              passwordFile: mqtt-password
              node: Porch Pi.local
              baseTopic: home/buttons
              discoveryPrefix: ha
              discovery: false
              maxAge: 2.5s
              keepalive: 30s
              protocol: 3.1.1
            """).mqtt)
        #expect(m.host == "::1" && m.port == 8883 && m.tls && m.brokerText == "mqtts://[::1]:8883")
        #expect(m.ca == "/etc/ca.pem" && m.cert == "client.pem" && m.key == "client.key")
        #expect(m.username == "clickbridge" && m.passwordFile == "mqtt-password")
        #expect(m.node == "porch_pi_local" && m.baseTopic == "home/buttons" && m.discoveryPrefix == "ha" && !m.discovery)
        #expect(m.maxAge == .milliseconds(2500) && m.keepalive == 30 && m.protocolVersion == .v311)
        #expect(m.keyLines["passwordFile"] == 11)
    }

    @Test func relativeFilesAreRelativeToTheConfiguration() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try (Self.buttons + "mqtt:\n  broker: mqtts://h\n  ca: ca.pem\n  username: u\n  passwordFile: pw\n")
            .write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let m = try #require(try ConfigLoader.load(file: dir + "/c.yaml").mqtt)
        #expect(m.ca == dir + "/ca.pem" && m.passwordFile == dir + "/pw")
    }

    /// `check` says which broker and node `run` would use, and whether it announces to Home Assistant.
    @Test func checkSummaryNamesTheBrokerAndNode() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let path = dir + "/c.yaml"
        for (mqtt, line) in [
            ("mqtt:\n  broker: mqtt://192.168.1.10\n  node: Porch Pi\n",
             "  mqtt mqtt://192.168.1.10:1883 as node porch_pi, topics clickbridge/porch_pi/…, Home Assistant discovery under homeassistant/"),
            ("mqtt:\n  broker: mqtts://broker.lan\n  node: porch\n  username: cb\n  baseTopic: home/buttons\n  discovery: false\n",
             "  mqtt mqtts://broker.lan:8883 as node porch (user cb), topics home/buttons/porch/…, no Home Assistant discovery"),
        ] {
            try ("stateDir: \(dir)/state\n" + Self.buttons + mqtt).write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            let summary = try ConfigCheck.run(configPath: path).summary.split(separator: "\n").map(String.init)
            #expect(summary.last == line, "\(summary)")
        }
        try ("stateDir: \(dir)/state\n" + Self.buttons).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(!(try ConfigCheck.run(configPath: path).summary.contains("mqtt")))
    }

    @Test func mistakesAreLocated() {
        #expect(error("mqtt:\n  node: x\n") == "c.yaml:6: mqtt.broker: missing; give mqtt://HOST[:PORT] (1883 by default) or mqtts://HOST[:PORT] (TLS, 8883 by default)")
        #expect(error("mqtt:\n  broker: http://h\n").hasPrefix("c.yaml:6: mqtt.broker: 'http://h' is not allowed; use mqtt://"))
        #expect(error("mqtt:\n  broker: mqtt://h/topic\n").hasPrefix("c.yaml:6: mqtt.broker: 'mqtt://h/topic' is not allowed"))
        #expect(error("mqtt:\n  broker: mqtt://h:0\n").hasPrefix("c.yaml:6: mqtt.broker: 'mqtt://h:0' is not allowed"))
        #expect(error("mqtt:\n  broker: mqtt://h\n  password: x\n").hasPrefix("c.yaml:7: mqtt.password: unknown key; allowed here: broker, ca,"))
        #expect(error("mqtt:\n  broker: mqtt://h\n  ca: ca.pem\n") == "c.yaml:7: mqtt.ca: is for TLS only; make the broker mqtts://… or remove ca")
        #expect(error("mqtt:\n  broker: mqtts://h\n  cert: c.pem\n") == "c.yaml:7: mqtt.cert: a client certificate needs both cert and key; give the other one too")
        #expect(error("mqtt:\n  broker: mqtt://h\n  passwordFile: pw\n") == "c.yaml:7: mqtt.passwordFile: needs username; give the user name the password belongs to")
        #expect(error("mqtt:\n  broker: mqtt://h\n  baseTopic: a/+/b\n").hasPrefix("c.yaml:7: mqtt.baseTopic: 'a/+/b' is not allowed; use one or more topic levels"))
        #expect(error("mqtt:\n  broker: mqtt://h\n  discoveryPrefix: ha/\n").hasPrefix("c.yaml:7: mqtt.discoveryPrefix: 'ha/' is not allowed"))
        #expect(error("mqtt:\n  broker: mqtt://h\n  discovery: maybe\n") == "c.yaml:7: mqtt.discovery: expected true or false, found 'maybe'")
        #expect(error("mqtt:\n  broker: mqtt://h\n  maxAge: soon\n").hasPrefix("c.yaml:7: mqtt.maxAge: 'soon' is not a duration"))
        #expect(error("mqtt:\n  broker: mqtt://h\n  keepalive: 2s\n") == "c.yaml:7: mqtt.keepalive: 2.000000000s is not allowed; use whole seconds from 5s to 65535s (60s by default)")
        #expect(error("mqtt:\n  broker: mqtt://h\n  keepalive: 1.5s\n").hasPrefix("c.yaml:7: mqtt.keepalive: 1.500000000s is not allowed"))
        #expect(error("mqtt:\n  broker: mqtt://h\n  protocol: 4\n") == "c.yaml:7: mqtt.protocol: '4' is not allowed; use one of 3.1.1, 5")
        #expect(error("mqtt: mqtt://h\n") == "c.yaml:5: mqtt: expected a mapping of keys to values, found 'mqtt://h'")
    }

    @Test func buttonsWhoseTopicsWouldCollideAreRefused() {
        let text = """
            buttons:
              - deviceId: G030PM0123456789
                name: Porch Door
                gpio: { chip: gpiochip0, line: GPIO17 }
              - deviceId: G030PM0123456790
                name: porch_door
                gpio: { chip: gpiochip0, line: GPIO27 }
            mqtt:
              broker: mqtt://h

            """
        do {
            _ = try ConfigLoader.parse(text, file: "c.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.description == "c.yaml:6: buttons[1].name: 'porch_door' and 'Porch Door' (line 2) are both 'porch_door' in MQTT topics; rename one so they differ in letters, digits, _ or -")
        }
        // Without MQTT the names are fine as they are.
        #expect((try? ConfigLoader.parse(text.components(separatedBy: "mqtt:")[0], file: "c.yaml")) != nil)
    }
}

/// Discovery follows the button's timing: gestures issue 13 adds appear without code here.
@Suite struct MQTTDiscoveryTests {
    @Test func everyGestureTheTimingAllowsHasATriggerExceptRepeat() throws {
        var timing = PressTiming.default
        timing.maxPresses = 3
        timing.longRelease = true
        timing.repeat = .milliseconds(500)
        let topics = MQTTTopics(MQTTConfig(host: "h", port: 1883, node: "pi"))
        let d = MQTTDiscovery(topics: topics, buttons: [AnnouncedButton(name: "a", deviceId: "D1", timing: .default),
                                                        AnnouncedButton(name: "b", deviceId: "D2", timing: timing)])
        let byTopic = Dictionary(uniqueKeysWithValues: d.messages.map { ($0.topic, $0) })
        #expect(d.messages.count == 4 + 6)
        let b = try #require(byTopic["homeassistant/event/pi/b/config"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any] })
        #expect(b["event_types"] as? [String] == ["press_end", "multi_press_end", "long_press_start", "long_press_end", "long_repeat"])
        let types = ["single": "button_short_press", "double": "button_double_press", "triple": "button_triple_press",
                     "long": "button_long_press", "long_release": "button_long_release"]
        for (payload, type) in types {
            let t = try #require(byTopic["homeassistant/device_automation/pi/b_\(payload)/config"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any] })
            #expect(t["type"] as? String == type && t["payload"] as? String == payload && t["subtype"] as? String == "button_2")
        }
        #expect(byTopic["homeassistant/device_automation/pi/b_long_repeat/config"] == nil)
        #expect(d.messages.allSatisfy { $0.retain && $0.qos == 1 })
        #expect(GestureVocabulary.gestures(for: PressTiming(maxPresses: 1)) == [.single, .long])
    }

    /// A multi-button trace names its buttons from the file; two that collide in topics are
    /// refused when the daemon starts, before libmosquitto is loaded.
    @Test func buttonsCollidingInTopicsAreRefusedAtStart() {
        let config = MQTTConfig(host: "127.0.0.1", port: 1883, node: "pi")
        let buttons = [AnnouncedButton(name: "t:A", deviceId: "D", timing: .default), AnnouncedButton(name: "t_a", deviceId: "D", timing: .default)]
        do {
            _ = try MQTTPublisher(config: config, buttons: buttons, stateDir: "/nonexistent")
            Issue.record("no error")
        } catch {
            #expect(error.description == "mqtt: buttons 't:A' and 't_a' are both 't_a' in MQTT topics; rename one")
        }
    }

    @Test func eachGestureIsSpelledAsDesignSays() {
        let topics = MQTTTopics(MQTTConfig(host: "h", port: 1883, node: "pi"))
        let p = GesturePublication(button: "Desk:KEY_A", deviceId: "D1", gesture: .longRelease(heldFor: .milliseconds(2100)),
                                   eventId: "e", pressedAt: "2026-01-01T00:00:00.000Z", decidedAt: "2026-01-01T00:00:02.120Z",
                                   decidedAtMonotonic: Timestamp(nanoseconds: 0))
        let m = topics.messages(for: p)
        #expect(m.map(\.topic) == ["clickbridge/pi/desk_key_a/action", "clickbridge/pi/desk_key_a/event"])
        #expect(m[0].payload == Array("long_release".utf8) && m.allSatisfy { !$0.retain && $0.qos == 1 })
        let event = try? JSONSerialization.jsonObject(with: Data(m[1].payload)) as? [String: Any]
        #expect(event?["event_type"] as? String == "long_press_end" && event?["held_for"] as? Double == 2.1)
        #expect(event?["gesture"] as? String == "LONG_RELEASE" && event?["count"] == nil)
        let repeatEvent = topics.messages(for: GesturePublication(button: "d", deviceId: "D", gesture: .longRepeat(count: 3), eventId: "e",
                                                                  pressedAt: "", decidedAt: "", decidedAtMonotonic: Timestamp(nanoseconds: 0)))
        let r = try? JSONSerialization.jsonObject(with: Data(repeatEvent[1].payload)) as? [String: Any]
        #expect(r?["event_type"] as? String == "long_repeat" && r?["count"] as? Int == 3 && r?["multi_press_count"] == nil)
        #expect(Gesture.Name.allCases.map(GestureVocabulary.action) ==
                ["single", "double", "triple", "quadruple", "quintuple", "long", "long_release", "long_repeat"])
    }
}

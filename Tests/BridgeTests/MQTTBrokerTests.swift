import Foundation
import Glibc
import Lines
import OneClick
import Presses
import TestSupport
import Testing
@testable import Bridge

/// `clickbridge run` against a real `mosquitto` on loopback, watched with `mosquitto_sub`
/// (issue 14's numbered list). Serialized: each test runs a daemon and a broker of its own, and
/// the machine has few cores.
@Suite(.serialized) struct MQTTBrokerTests {
    static let node = "test_pi"
    static let base = "clickbridge/\(node)"

    /// The configuration's head: state, the embedded service on a free port, no claim code.
    func head(_ dir: String) -> String {
        "stateDir: \(dir)/state\nlisten: 127.0.0.1:0\n"
    }

    func mqttBlock(port: Int, extra: String = "") -> String {
        "mqtt:\n  broker: mqtt://127.0.0.1:\(port)\n  node: Test Pi\n" + extra
    }

    /// Buttons on input devices that are not there: `run` waits for them, and they never press.
    let quietButtons = """
        buttons:
          - deviceId: G030PM0MQTT00001
            name: Front Door
            evdev: { device: /nonexistent/clickbridge-test-event0, key: KEY_ENTER }
          - deviceId: G030PM0MQTT00002
            name: remote
            evdev: { device: /nonexistent/clickbridge-test-event1, keys: [KEY_A, KEY_B] }

        """

    // MARK: 1. Discovery

    @Test func discoveryAnnouncesEveryButtonAndGestureRetainedWithTheAvailabilityTopic() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        let config = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: broker.port), in: dir)
        let bridge = try RunningBridge(config: config)
        let live = try TestSubscriber(port: broker.port, topics: ["\(Self.base)/availability"])
        await live.wait { $0.contains { $0.payload == "online" } }

        let retained = try await retainedMessages(port: broker.port, topics: ["homeassistant/#"]) { $0.count >= 12 }
        try await bridge.stop()
        try await live.stop()
        try await broker.stop()

        // Three buttons (remote has two keys: remote_key_a, remote_key_b), each with one event
        // entity and a trigger for SINGLE, DOUBLE and LONG (the default timing).
        let levels = ["front_door", "remote_key_a", "remote_key_b"]
        let names = ["Front Door", "remote:KEY_A", "remote:KEY_B"]
        #expect(retained.count == 12, "\(retained)")
        #expect(retained.allSatisfy { $0.retained && $0.qos == 1 })
        let topicShape = /homeassistant\/(event|device_automation)\/[a-zA-Z0-9_-]+\/[a-zA-Z0-9_-]+\/config/
        #expect(retained.allSatisfy { $0.topic.wholeMatch(of: topicShape) != nil })
        let device: [String: Any] = ["identifiers": ["clickbridge_test_pi"], "name": "test_pi", "manufacturer": "ClickBridge", "model": "ClickBridge"]

        for (index, level) in levels.enumerated() {
            let entity = try #require(retained.first { $0.topic == "homeassistant/event/test_pi/\(level)/config" }?.json)
            // Home Assistant's MQTT event platform: state_topic and event_types required; the
            // rest are its documented optional keys.
            #expect(Set(entity.keys).isSubset(of: Self.documentedEventKeys), "\(entity.keys)")
            #expect(entity["name"] as? String == names[index])
            #expect(entity["unique_id"] as? String == "clickbridge_test_pi_\(level)")
            #expect(entity["state_topic"] as? String == "\(Self.base)/\(level)/event")
            #expect(entity["event_types"] as? [String] == ["press_end", "multi_press_end", "long_press_start"])
            #expect(entity["device_class"] as? String == "button")
            #expect(entity["availability_topic"] as? String == "\(Self.base)/availability")
            #expect(entity["qos"] as? Int == 1)
            #expect(NSDictionary(dictionary: entity["device"] as? [String: Any] ?? [:]).isEqual(to: device))
            #expect((entity["origin"] as? [String: Any])?["name"] as? String == "ClickBridge")

            for (gesture, type) in [("single", "button_short_press"), ("double", "button_double_press"), ("long", "button_long_press")] {
                let trigger = try #require(retained.first { $0.topic == "homeassistant/device_automation/test_pi/\(level)_\(gesture)/config" }?.json)
                // The device-trigger schema: automation_type, topic, type, subtype and device
                // required; payload, qos, value_template optional (and origin for discovery).
                #expect(Set(trigger.keys).isSubset(of: Self.documentedTriggerKeys), "\(trigger.keys)")
                #expect(trigger["automation_type"] as? String == "trigger")
                #expect(trigger["type"] as? String == type)
                #expect(trigger["subtype"] as? String == "button_\(index + 1)")
                #expect(trigger["topic"] as? String == "\(Self.base)/\(level)/action")
                #expect(trigger["payload"] as? String == gesture)
                #expect(trigger["qos"] as? Int == 1)
                #expect(NSDictionary(dictionary: trigger["device"] as? [String: Any] ?? [:]).isEqual(to: device))
            }
        }
    }

    /// Home Assistant's documented keys for an MQTT `event` (event.mqtt) that ClickBridge may use.
    static let documentedEventKeys: Set<String> = [
        "availability", "availability_mode", "availability_template", "availability_topic", "device", "device_class",
        "enabled_by_default", "encoding", "entity_category", "event_types", "icon", "json_attributes_template",
        "json_attributes_topic", "name", "object_id", "origin", "payload_available", "payload_not_available", "platform",
        "qos", "state_topic", "unique_id", "value_template",
    ]
    /// And for an MQTT device trigger (device_trigger.mqtt).
    static let documentedTriggerKeys: Set<String> = [
        "automation_type", "payload", "qos", "topic", "type", "subtype", "device", "value_template", "origin",
    ]

    // MARK: 2. Presses

    @Test func everyTraceReplayedByATraceButtonArrivesAsTheGesturesReplayGives() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let traces = try Self.traceFiles()
        #expect(traces.count >= 10)
        // What `replay --json` decides for each trace on its own timing (its `timing` line, else
        // the defaults); each trace button below gets that same timing in the configuration.
        var expected: [[(button: String, gesture: String, span: Double, count: Int?, heldFor: Double?)]] = []
        var timings: [PressTiming] = []
        for trace in traces {
            timings.append(try TraceReader.read(contentsOf: trace).timing ?? .default)
            let replay = try await ClickBridgeBinary.run(["replay", trace, "--json", "--no-check"])
            expected.append(replay.out.split(separator: "\n").compactMap { line in
                guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                      let button = o["button"] as? String, let gesture = (o["gesture"] ?? o["clickType"]) as? String,
                      let pressed = o["pressedAt"] as? Double, let decided = o["decidedAt"] as? Double else { return nil }
                return (button, gesture, decided - pressed, o["count"] as? Int, o["heldFor"] as? Double)
            })
        }
        let total = expected.map(\.count).reduce(0, +)
        #expect(total >= 15)

        let broker = try TestBroker(dir: dir)
        try await broker.start()
        var yaml = head(dir) + "buttons:\n"
        for (i, trace) in traces.enumerated() {
            let t = timings[i]
            func ms(_ span: Span) -> String { "\(Double(span.nanoseconds) / 1e6)ms" }
            yaml += "  - deviceId: G030PM0TRACE\(String(format: "%04d", i))\n    name: t\(i)\n    trace: { file: \(trace) }\n"
            yaml += "    timing: { debounce: \(ms(t.debounce)), long: \(ms(t.long)), doubleWindow: \(ms(t.doubleWindow)), maxPresses: \(t.maxPresses), longRelease: \(t.longRelease), repeat: \(ms(t.repeat)) }\n"
        }
        let config = try writeRunConfig(yaml + mqttBlock(port: broker.port, extra: "  maxAge: 60s\n"), in: dir)
        let live = try TestSubscriber(port: broker.port, topics: ["\(Self.base)/+/action", "\(Self.base)/+/event"])
        try await Task.sleep(for: .milliseconds(200))  // mosquitto_sub subscribed
        let bridge = try RunningBridge(config: config)
        let got = await live.wait(timeout: 30) { $0.count >= 2 * total }
        try await bridge.stop()
        try await live.stop()
        try await broker.stop()

        #expect(got.count == 2 * total, "\(got)")
        #expect(got.allSatisfy { $0.qos == 1 && !$0.retained })
        for (i, presses) in expected.enumerated() {
            let name = "t\(i)"
            // This trace's messages, in arrival order: action, then event, per gesture.
            let mine = got.filter { m in
                let level = m.topic.split(separator: "/")[2]
                return level == name || level.hasPrefix(name + "_")
            }
            #expect(mine.count == 2 * presses.count, "\(traces[i]): \(mine)")
            let events = mine.filter { $0.topic.hasSuffix("/event") }.compactMap(\.json)
            let actions = mine.filter { $0.topic.hasSuffix("/action") }
            #expect(events.map { $0["gesture"] as? String ?? "?" } == presses.map(\.gesture), "\(traces[i])")
            #expect(actions.map(\.payload) == presses.map { $0.gesture.lowercased() }, "\(traces[i])")
            for (k, pair) in stride(from: 0, to: mine.count - 1, by: 2).map({ (mine[$0], mine[$0 + 1]) }).enumerated() where k < presses.count {
                #expect(pair.0.topic.hasSuffix("/action") && pair.1.topic.hasSuffix("/event"))
                #expect(pair.0.topic.dropLast("action".count) == pair.1.topic.dropLast("event".count))
            }
            for (event, press) in zip(events, presses) {
                let button = event["button"] as? String ?? ""
                // One button per trace is the trace button itself; several are NAME:ID.
                #expect(button == name || button == "\(name):\(press.button)", "\(traces[i]): \(button) for \(press.button)")
                #expect(event["device_id"] as? String == "G030PM0TRACE\(String(format: "%04d", i))")
                #expect(event["event_type"] as? String == Self.homeAssistantEventTypes[press.gesture], "\(traces[i]): \(press.gesture)")
                #expect(event["count"] as? Int == press.count, "\(traces[i]): \(press.gesture)")
                #expect((event["held_for"] as? Double).map { abs($0 - (press.heldFor ?? -1)) < 0.000_001 } ?? (press.heldFor == nil), "\(traces[i])")
                let pressed = try #require((event["pressed_at"] as? String).flatMap { WireTimestamp($0) })
                let decided = try #require((event["decided_at"] as? String).flatMap { WireTimestamp($0) })
                // Milliseconds on the wire: the press's own span, to within rounding.
                #expect(abs(Double(decided.microseconds - pressed.microseconds) / 1e6 - press.span) < 0.003, "\(traces[i])")
                #expect((event["event_id"] as? String)?.count == 36)
            }
        }
    }

    static var traceDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("hardware/traces").path
    }

    /// The table of topics and payloads (hardware/home-assistant.md), written out here rather than taken from the code under test.
    static let homeAssistantEventTypes = [
        "SINGLE": "press_end", "DOUBLE": "multi_press_end", "TRIPLE": "multi_press_end", "QUADRUPLE": "multi_press_end",
        "QUINTUPLE": "multi_press_end", "LONG": "long_press_start", "LONG_RELEASE": "long_press_end", "LONG_REPEAT": "long_repeat",
    ]

    static func traceFiles() throws -> [String] {
        let dir = traceDirectory
        return try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".trace") || $0.hasSuffix(".txt") || $0.hasSuffix(".evemu") }
            .sorted().map { dir + "/" + $0 }
    }

    // MARK: 3. Availability

    @Test func onlineIsRetainedTheWillCoversAKillAndSigtermPublishesOfflineItself() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        let config = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: broker.port, extra: "  discovery: false\n"), in: dir)
        let availability = "\(Self.base)/availability"

        let first = try RunningBridge(config: config)
        #expect(await first.waitForLog("mqtt: connected to"))
        #expect(try await retainedMessages(port: broker.port, topics: [availability]) { $0.first?.payload == "online" } == [Received(line: "1 1 \(availability) online")!])
        // kill -9: no goodbye from run; the broker publishes its will.
        try await first.stop(signal: SIGKILL)
        var after: [Received] = []
        for _ in 0..<100 {
            after = try await retainedMessages(port: broker.port, topics: [availability])
            if after.first?.payload == "offline" { break }
        }
        #expect(after == [Received(line: "1 1 \(availability) offline")!])
        #expect(!broker.log.contains("Received DISCONNECT from clickbridge-test_pi"))

        let second = try RunningBridge(config: config)
        #expect(await second.waitForLog("mqtt: connected to"))
        #expect(try await retainedMessages(port: broker.port, topics: [availability]) { $0.first?.payload == "online" }.first?.payload == "online")
        try await second.stop(signal: SIGTERM)
        #expect(second.process.terminationStatus == 0)
        #expect(try await retainedMessages(port: broker.port, topics: [availability]) { $0.first?.payload == "offline" } == [Received(line: "1 1 \(availability) offline")!])
        try await broker.stop()
        // run's own PUBLISH of `offline` (7 bytes, retained), then its DISCONNECT, which discards the will.
        let log = broker.log.split(separator: "\n").map(String.init)
        let offline = log.lastIndex { $0.contains("Received PUBLISH from clickbridge-test_pi") && $0.contains("r1") && $0.contains("'\(availability)'") && $0.contains("(7 bytes)") }
        let disconnect = log.lastIndex { $0.contains("Received DISCONNECT from clickbridge-test_pi") }
        #expect(offline != nil && disconnect != nil && offline! < disconnect!, "\(log.suffix(12))")
        #expect(second.logs.contains { $0.contains("published offline and disconnected") })
    }

    // MARK: 4. Birth

    @Test func homeAssistantsBirthMessageBringsDiscoveryAgain() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        let config = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: broker.port), in: dir)
        let bridge = try RunningBridge(config: config)
        #expect(await bridge.waitForLog("mqtt: connected to"))
        // The announcement has reached the broker before the watcher subscribes.
        _ = try await retainedMessages(port: broker.port, topics: ["homeassistant/#"]) { $0.count >= 12 }
        let live = try TestSubscriber(port: broker.port, topics: ["homeassistant/+/test_pi/#"])
        // First the retained announcement, as any new subscriber gets it.
        let initial = await live.wait { $0.count >= 12 }
        #expect(initial.count == 12 && initial.allSatisfy(\.retained))
        try await Task.sleep(for: .milliseconds(300))
        #expect(live.messages.count == 12)  // nothing more without a birth message
        try await publishOnce(port: broker.port, topic: "homeassistant/status", message: "online")
        let again = await live.wait { $0.count >= 24 }
        // Sent again live (not retained on delivery), the same twelve topics and payloads.
        let fresh = Array(again.dropFirst(12))
        #expect(fresh.count == 12 && fresh.allSatisfy { !$0.retained })
        #expect(Set(fresh.map(\.topic)) == Set(initial.map(\.topic)))
        #expect(Set(fresh.map(\.payload)) == Set(initial.map(\.payload)))
        // Home Assistant going offline asks for nothing.
        try await publishOnce(port: broker.port, topic: "homeassistant/status", message: "offline")
        try await Task.sleep(for: .milliseconds(300))
        #expect(live.messages.count == 24)
        try await bridge.stop()
        try await live.stop()
        try await broker.stop()
    }

    // MARK: dlopen

    /// libmosquitto is loaded only with `mqtt:` configured: without it, `run` never maps it.
    @Test func libmosquittoIsLoadedOnlyWhenMQTTIsConfigured() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        func maps(_ yaml: String, name: String) async throws -> String {
            let bridge = try RunningBridge(config: try writeRunConfig(yaml, in: dir, name: name))
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, !bridge.lines.contains(where: { $0.hasPrefix("clickbridge run:") }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            // procfs files have no size: read to the end rather than by the file's length.
            let fd = open("/proc/\(bridge.process.processIdentifier)/maps", O_RDONLY)
            let text = fd < 0 ? "" : String(decoding: readToEnd(fd), as: UTF8.self)
            if fd >= 0 { close(fd) }
            try await bridge.stop()
            #expect(bridge.lines.contains { $0.hasPrefix("clickbridge run:") })
            return text
        }
        let without = try await maps(head(dir) + quietButtons, name: "plain.yaml")
        let with = try await maps(head(dir) + quietButtons + mqttBlock(port: broker.port), name: "mqtt.yaml")
        try await broker.stop()
        #expect(without.contains("libgpiod") && with.contains("libgpiod"))
        #expect(!without.contains("libmosquitto"))
        #expect(with.contains("libmosquitto.so"))
    }

    // MARK: Protocol versions

    /// MQTT 5 by default and 3.1.1 when configured: the broker logs the protocol level each
    /// client connected with (mosquitto writes p5 for 5 and p2 for 3.1.1), and both get discovery.
    @Test func bothProtocolVersionsConnect() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        for (version, level) in [("5", "p5"), ("3.1.1", "p2")] {
            let config = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: broker.port, extra: "  protocol: \(version)\n"),
                                            in: dir, name: "v\(level).yaml")
            let bridge = try RunningBridge(config: config)
            #expect(await bridge.waitForLog("mqtt: connected to"))
            #expect(try await retainedMessages(port: broker.port, topics: ["homeassistant/#"]) { $0.count >= 12 }.count == 12)
            try await bridge.stop()
            #expect(broker.log.contains("as clickbridge-test_pi (\(level), c1, k60"), "\(broker.log)")
        }
        try await broker.stop()
    }

    // MARK: No broker

    /// With no broker listening, `run` starts, says why in the log and `status`, and stops
    /// cleanly on SIGTERM without waiting for it.
    @Test func withNoBrokerRunStartsAndStopsCleanly() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let port = try freePort()
        let config = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: port), in: dir)
        let bridge = try RunningBridge(config: config)
        #expect(await bridge.waitForLog("mqtt: cannot connect to mqtt://127.0.0.1:\(port)"))
        let status = try await ClickBridgeBinary.run(["status", "--config", config])
        #expect(status.out.contains("mqtt      mqtt://127.0.0.1:\(port) NOT CONNECTED"), "\(status.out)")
        #expect(status.out.contains("0 presses dropped as older than maxAge"), "\(status.out)")
        let stopping = ContinuousClock.now
        try await bridge.stop()
        #expect(bridge.process.terminationStatus == 0)
        #expect(ContinuousClock.now - stopping < .seconds(10))
        // Logged once, not at every attempt.
        #expect(bridge.logs.filter { $0.contains("mqtt: cannot connect") }.count == 1, "\(bridge.logs)")
    }

    // MARK: Idle

    /// Connected and idle, `run` with MQTT does not wake between keepalives (60 s by default):
    /// no polling timer, no libmosquitto loop ticking once a second (that would be five here).
    @Test func anIdleConnectedRunDoesNotWakeBetweenKeepalives() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        let config = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: broker.port), in: dir)
        let bridge = try RunningBridge(config: config)
        #expect(await bridge.waitForLog("mqtt: connected to"))
        let count = try await IdleWakeupTests.wakeups(of: bridge.process)
        #expect(count <= 2, "run with MQTT woke \(count) times in 5 s while idle")
        #expect(try await retainedMessages(port: broker.port, topics: ["\(Self.base)/availability"]) { $0.first?.payload == "online" }.first?.payload == "online")
        try await bridge.stop()
        try await broker.stop()
    }

    // MARK: 7. Removal

    @Test func aButtonRemovedFromTheConfigIsClearedAtTheNextStart() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let broker = try TestBroker(dir: dir)
        try await broker.start()
        let both = try writeRunConfig(head(dir) + quietButtons + mqttBlock(port: broker.port), in: dir, name: "both.yaml")
        let first = try RunningBridge(config: both)
        #expect(await first.waitForLog("mqtt: connected to"))
        let announced = try await retainedMessages(port: broker.port, topics: ["homeassistant/#"]) { $0.count >= 12 }
        #expect(announced.count == 12)
        try await first.stop()

        // A only: the first button of the same file.
        let onlyA = quietButtons.components(separatedBy: "  - deviceId: G030PM0MQTT00002")[0]
        let one = try writeRunConfig(head(dir) + onlyA + mqttBlock(port: broker.port), in: dir, name: "one.yaml")
        let live = try TestSubscriber(port: broker.port, topics: ["homeassistant/#"])
        await live.wait { $0.count >= 12 }  // the retained state before the restart
        let second = try RunningBridge(config: one)
        #expect(await second.waitForLog("mqtt: connected to"))
        let seen = await live.wait { $0.filter { !$0.retained && $0.payload.isEmpty }.count >= 8 }
        let cleared = seen.filter { !$0.retained && $0.payload.isEmpty }.map(\.topic)
        let remaining = try await retainedMessages(port: broker.port, topics: ["homeassistant/#"]) { $0.count <= 4 }
        try await second.stop()
        try await live.stop()
        try await broker.stop()

        let bTopics = announced.map(\.topic).filter { $0.contains("/remote_key_") }
        #expect(bTopics.count == 8)
        #expect(Set(cleared) == Set(bTopics))
        #expect(Set(remaining.map(\.topic)) == Set(announced.map(\.topic)).subtracting(bTopics))
        #expect(remaining.count == 4)
        // A's announcement is unchanged.
        for m in remaining { #expect(announced.contains(m)) }
    }
}

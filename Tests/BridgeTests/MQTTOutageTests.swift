import Foundation
import Glibc
import Lines
import OneClick
import Presses
import TestSupport
import Testing
@testable import Bridge

/// The daemon core with a simulated button, its MQTT publisher against a real `mosquitto` that
/// the test stops and starts again (issue 14, item 5).
@Suite(.serialized) struct MQTTOutageTests {
    @Test func anOutageSendsYoungPressesInOrderDropsOldOnesAndOneClickCarriesOn() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        // Persistent, so the watcher's session (and what is queued for it) outlives the restart.
        let broker = try TestBroker(dir: dir, listenerLines: ["allow_anonymous true"], persistent: true)
        try await broker.start()
        let watcher = try TestSubscriber(port: broker.port, topics: ["clickbridge/test_pi/#"], session: "outage-watcher")

        let stateDir = dir + "/state"
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let deviceId = "G030PM0OUTAGE001"
        let mqtt = MQTTConfig(host: "127.0.0.1", port: broker.port, node: "test_pi", discovery: false, maxAge: .seconds(4))
        let config = BridgeConfig(stateDir: stateDir, buttons: [ButtonConfig(deviceId: deviceId, name: "desk", source: .simulated)], mqtt: mqtt)
        let outbox = try Outbox(stateDir: stateDir)
        let sink = ScriptedSink()
        // The project's one retry policy, with short steps so the test does not wait for 60 s.
        let policy = RetryPolicy.outbox.with(backoff: Backoff(initial: 0.05, cap: 0.2))
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]),
                                      retryPolicy: policy, say: { _ in })
        let run = Task { try await daemon.run() }
        await watcher.wait { $0.contains { $0.topic.hasSuffix("/availability") && $0.payload == "online" } }
        let button = try #require(daemon.simulatedButton(of: deviceId))

        try await broker.stop()
        // A SINGLE during the outage: the 1-Click side delivers it as ever.
        button.play(SimulatedButton(name: "desk").click(bounce: 1).trace, after: .milliseconds(20))
        #expect(await waitFor { sink.acknowledged.count == 1 })
        // `status` shows the broker's error meanwhile.
        let status = try await StatusReport.gather(config: config, stateDir: stateDir, endpoint: "http://127.0.0.1:1") { _ in "?" }
        #expect(status.mqtt?.connected == false)
        #expect(status.mqtt?.lastError?.contains("127.0.0.1:\(broker.port)") == true, "\(String(describing: status.mqtt))")
        #expect(status.text.contains("NOT CONNECTED"), "\(status.text)")
        // Let the SINGLE grow older than maxAge (4 s), then a DOUBLE and a LONG (decided about 2.4 s
        // after they start) while still down; the broker is back soon after, well within 4 s of them.
        try await Task.sleep(for: .milliseconds(4600))
        button.play(SimulatedButton(name: "desk").doubleClick(bounce: 1).wait(.milliseconds(500)).hold(.milliseconds(1600)).trace,
                    after: .milliseconds(20))
        #expect(await waitFor { sink.acknowledged.count == 3 })
        #expect(sink.acknowledged.map(\.clickType) == [.single, .double, .long])

        try await broker.start()
        let after = await watcher.wait { $0.filter { $0.topic.hasSuffix("/action") }.count >= 2 }
        // Give a SINGLE that should not come a moment to show up anyway.
        try await Task.sleep(for: .milliseconds(500))
        let actions = watcher.messages.filter { $0.topic == "clickbridge/test_pi/desk/action" }.map(\.payload)
        #expect(actions == ["double", "long"], "\(after)")
        let events = watcher.messages.filter { $0.topic == "clickbridge/test_pi/desk/event" }.compactMap { $0.json?["gesture"] as? String }
        #expect(events == ["DOUBLE", "LONG"])
        let status2 = try #require(MQTTLinkStatus.read(stateDir: stateDir))
        #expect(status2.connected)
        #expect(status2.droppedTooOld == 1)

        daemon.stop()
        try await run.value
        try await watcher.stop()
        try await broker.stop()
    }

    /// Polls `condition` until it holds or 20 s pass.
    func waitFor(_ condition: @Sendable () -> Bool) async -> Bool {
        for _ in 0..<1000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

import ClaimService
import Foundation
import Lines
import OneClick
import Presses
import TestSupport
import Testing
@testable import Bridge

/// `clickbridge run` as a real process, killed with SIGKILL and restarted on the same state dir.
@Suite(.serialized) struct CrashTests {
    /// Starts `clickbridge run`; its stdout lines arrive in `lines`, and with `logs` its stderr
    /// lines (swift-log's) in `logs`.
    func launch(config: String, lines: Collector<String>, logs: Collector<String>? = nil) throws -> LaunchedProcess {
        let buffer = LineBuffer()
        var standardError = LaunchedProcess.Output.discard
        if let logs {
            let errorBuffer = LineBuffer()
            standardError = .chunks { for line in errorBuffer.add($0) { logs.add(line) } }
        }
        return try ClickBridgeBinary.launch(["run", "--config", config],
                                            standardOutput: .chunks { for line in buffer.add($0) { lines.add(line) } },
                                            standardError: standardError)
    }

    @Test func killedWithQueuedPressesThenRestartedDeliversEachOnce() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        // The service runs first only to learn a port and create credentials; it is down while
        // the bridge queues its presses.
        let env = try await BridgeEnvironment.prepare(config: BridgeConfig(stateDir: dir, listen: "127.0.0.1:0", buttons: []))
        let server = try #require(env.embedded)
        let port = server.port
        let bridge = OneClickSink(client: try env.client(profile: "bridge"))
        let owner = try env.client(profile: "owner")
        try await bridge.register(deviceId: "G030PM0KILL00001", claimCode: "C-KILL000000001")
        #expect(try await owner.claimDevicesByClaimCode("C-KILL000000001").total == 1)
        await server.shutdown()

        let script = SimulatedButton(name: "b").wait(.milliseconds(100))
            .click(bounce: 2).wait(.milliseconds(600)).doubleClick(bounce: 1).wait(.milliseconds(600)).hold(.milliseconds(1600))
        try NativeTraceWriter.document(script.trace).write(toFile: dir + "/trace.txt", atomically: true, encoding: .utf8)
        let common = "stateDir: \(dir)/bridge\nendpoint: http://127.0.0.1:\(port)\ncredentials: \(env.credentialsPath)\n"
        try (common + "buttons:\n  - deviceId: G030PM0KILL00001\n    trace: { file: \(dir)/trace.txt }\n")
            .write(toFile: dir + "/first.yaml", atomically: true, encoding: .utf8)

        let lines = Collector<String>()
        let first = try launch(config: dir + "/first.yaml", lines: lines)
        var queued = 0
        while queued < 3 {
            guard let line = await lines.take(1).first else { break }
            if line.contains("queued as") { queued += 1 }
        }
        kill(first.processIdentifier, SIGKILL)
        try await offPool { first.waitUntilExit() }
        #expect(queued == 3)
        #expect(try Outbox(stateDir: dir + "/bridge").backlog().count == 3)

        // The service comes back; the bridge restarts with a configuration that no longer has
        // that device (its one button is an input device that is not there): the queued events
        // are delivered all the same.
        let store = try CredentialStore(path: env.credentialsPath)
        let again = try await ClaimServer.start(configuration: ClaimServiceConfiguration(
            stateDirectory: dir, host: "127.0.0.1", port: port, authenticator: CredentialStoreAuthenticator(store: store)))
        try (common + "buttons:\n  - deviceId: G030PM0OTHER0001\n    evdev: { device: \(dir)/absent-event, key: KEY_ENTER }\n")
            .write(toFile: dir + "/second.yaml", atomically: true, encoding: .utf8)
        let relines = Collector<String>()
        let second = try launch(config: dir + "/second.yaml", lines: relines)
        var delivered = 0
        while delivered < 3 {
            guard let line = await relines.take(1).first else { break }
            if line.hasPrefix("delivered") { delivered += 1 }
        }
        second.terminate()  // SIGTERM: the clean path
        try await offPool { second.waitUntilExit() }
        #expect(second.terminationStatus == 0)
        #expect(try Outbox(stateDir: dir + "/bridge").backlog().count == 0)
        let events = try await owner.listDeviceEvents(deviceId: "G030PM0KILL00001", from: Date(timeIntervalSinceNow: -600), to: Date(timeIntervalSinceNow: 60))
        let clicks = (events.events ?? []).compactMap { e -> String? in
            guard let data = e.stdEvent?.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return obj["clickType"] as? String
        }
        #expect(clicks == ["SINGLE", "DOUBLE", "LONG"])
        await again.shutdown()
    }
}

/// Splits a byte stream into lines.
final class LineBuffer: @unchecked Sendable {
    // @unchecked Sendable: used only from the pipe's readability handler, one call at a time.
    private var pending = Data()
    func add(_ data: Data) -> [String] {
        pending.append(data)
        var lines: [String] = []
        while let nl = pending.firstIndex(of: 0x0A) {
            lines.append(String(decoding: pending[pending.startIndex..<nl], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...nl)
        }
        return lines
    }
}

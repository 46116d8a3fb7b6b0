import Foundation
import Glibc
import Lines
import Presses
import TestSupport
import Testing
@testable import Bridge

/// `clickbridge claim` against a running `clickbridge run` with its embedded service, as a person
/// would use them: two processes on one machine.
@Suite(.serialized) struct ClaimCLITests {
    @Test func claimWhileTheBridgePublishesAPressAndTimeoutWithoutOne() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        // A click every 2 s for a minute: whenever `claim` initiates, however loaded the machine,
        // a press follows within its timeout.
        var script = SimulatedButton(name: "b")
        for _ in 0..<30 { script = script.click(bounce: 2).wait(.seconds(2)) }
        try NativeTraceWriter.document(script.trace).write(toFile: dir + "/trace.txt", atomically: true, encoding: .utf8)
        try """
            stateDir: \(dir)/state
            listen: 127.0.0.1:\(try freePort())
            buttons:
              - deviceId: G030PM0CLI000001
                trace: { file: \(dir)/trace.txt }
              - deviceId: G030PM0CLI000002
                evdev: { device: \(dir)/absent-event, key: KEY_ENTER }
            """.write(toFile: dir + "/run.yaml", atomically: true, encoding: .utf8)
        let lines = Collector<String>()
        let daemon = try CrashTests().launch(config: dir + "/run.yaml", lines: lines)
        defer { if daemon.isRunning { daemon.terminate() } }
        var endpoint: String?
        var registered = 0
        while endpoint == nil || registered < 2 {
            guard let line = await lines.take(1).first else { break }
            if let r = line.range(of: "claim service at ") {
                endpoint = line[r.upperBound...].split(separator: " ").first.map(String.init)
            }
            if line.hasPrefix("registered") { registered += 1 }
        }
        let url = try #require(endpoint)
        let credentials = dir + "/state/credentials"

        let claimed = try await ClickBridgeBinary.run(["claim", "G030PM0CLI000001", "--endpoint", url, "--credentials", credentials, "--profile", "owner", "--timeout", "30s"])
        #expect(claimed.status == 0, "\(claimed.err)")
        #expect(claimed.out.contains("CLAIMED"))

        let waited = try await ClickBridgeBinary.run(["claim", "G030PM0CLI000002", "--endpoint", url, "--credentials", credentials, "--profile", "owner", "--timeout", "2s"])
        #expect(waited.status != 0)
        let message = waited.err.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!message.isEmpty && !message.contains("\n"), "one line: \(message)")
        #expect(message.lowercased().contains("press"), "\(message)")

        let status = try await ClickBridgeBinary.run(["status", "--config", dir + "/run.yaml"])
        #expect(status.status == 0, "\(status.err)")
        #expect(status.out.contains("G030PM0CLI000001  present  CLAIMED"), "\(status.out)")
        // `claim` initiated a claim on the second device a moment ago; it waits for a press.
        #expect(status.out.contains("G030PM0CLI000002  MISSING  CLAIM_INITIATED"), "\(status.out)")

        daemon.terminate()
        try await offPool { daemon.waitUntilExit() }
        #expect(daemon.terminationStatus == 0)
    }

    /// One line, and exit 78 (EX_CONFIG), which the unit's RestartPreventExitStatus keeps
    /// systemd from restarting into.
    @Test func aConfigurationErrorIsOneLineAndExit78() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try "stateDir: \(dir)/state\nbuttons:\n  - deviceId: a1\n    gpio: { chip: gpiochip0, line: GPIO17, bias: sideways }\n"
            .write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let result = try await ClickBridgeBinary.run(["run", "--config", dir + "/bad.yaml"])
        #expect(result.status == 78)
        let message = result.err.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(message == "clickbridge run: \(dir)/bad.yaml:4: buttons[0].gpio.bias: 'sideways' is not allowed; use pull-up, pull-down, disable or as-is")
        // Found before anything was created.
        #expect(!FileManager.default.fileExists(atPath: dir + "/state"))
    }
}

import ClaimService
import Foundation
import Lines
import OneClick
import Presses
import Testing
@testable import Bridge

/// The bridge against the real claim service on loopback, through the real signed client.
@Suite(.serialized) struct EndToEndTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A service on a free port with the default credentials file (bridge + owner) in `dir`.
    func startService(in dir: String) async throws -> (RunningClaimServer, BridgeEnvironment) {
        let config = BridgeConfig(stateDir: dir, listen: "127.0.0.1:0", buttons: [])
        let env = try await BridgeEnvironment.prepare(config: config)
        return (try #require(env.embedded), env)
    }

    func writeTrace(_ script: SimulatedButton, to path: String) throws {
        try NativeTraceWriter.document(script.trace).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `allowPrivateCallbacks` in run's configuration reaches the embedded service: without it a
    /// loopback callback is refused when set, with it accepted.
    @Test func allowPrivateCallbacksReachesTheEmbeddedService() async throws {
        for allow in [false, true] {
            let dir = try makeTemporaryDirectory()
            defer { removeTemporaryDirectory(dir) }
            let config = try ConfigLoader.parse("""
                stateDir: \(dir)
                listen: 127.0.0.1:0
                allowPrivateCallbacks: \(allow)
                buttons:
                  - deviceId: G030PM0PRIV00001
                    trace: { file: t }
                """)
            let env = try await BridgeEnvironment.prepare(config: config)
            let server = try #require(env.embedded)
            defer { Task { await server.shutdown() } }
            _ = try await env.client(profile: "bridge").registerDevice(deviceId: "G030PM0PRIV00001",
                                                                       DeviceRegistrationRequest(claimCode: "C-PRIVATE00001"))
            let owner = try env.client(profile: "owner")
            #expect(try await owner.claimDevicesByClaimCode("C-PRIVATE00001").total == 1)
            let set = { () async throws(OneClickClientError) in
                _ = try await owner.invokeDeviceMethod(deviceId: "G030PM0PRIV00001",
                                                       deviceMethod: DeviceMethod(deviceType: "button", methodName: "setOnClickCallback"),
                                                       deviceMethodParameters: #"{"callback":{"url":"http://127.0.0.1:8123/api/webhook/porch"}}"#)
            }
            if allow {
                try await set()
            } else {
                let error = await #expect(throws: OneClickClientError.self) { try await set() }
                #expect(error?.serviceError?.code == "InvalidRequestException", "\(String(describing: error))")
                #expect(error?.serviceError?.message.contains("allowPrivateCallbacks: true") == true)
            }
        }
    }

    @Test func aReplayedTraceArrivesAsExactlyItsClickTypesInOrder() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let (server, env) = try await startService(in: dir)
        let script = SimulatedButton(name: "b").wait(.milliseconds(30))
            .click(.milliseconds(90), bounce: 3).wait(.milliseconds(600))
            .doubleClick(bounce: 2).wait(.milliseconds(600))
            .hold(.milliseconds(1600), bounce: 2).wait(.milliseconds(300))
            .click(bounce: 1)
        let expected = TraceReplay.presses(of: script.trace).map(\.gesture)
        #expect(expected == [.single, .double, .long, .single])
        try writeTrace(script, to: dir + "/trace.txt")
        let config = try ConfigLoader.parse("""
            stateDir: \(dir)/bridge
            endpoint: \(env.endpoint)
            credentials: \(env.credentialsPath)
            claimCode: C-E2E0000000001
            buttons:
              - deviceId: G030PM0E2E000001
                trace: { file: \(dir)/trace.txt }
            """)
        let bridge = OneClickSink(client: try env.client(profile: "bridge"))
        let owner = try env.client(profile: "owner")
        // Registered and claimed by its claim code before any press, so the owner sees them all.
        try await bridge.register(deviceId: "G030PM0E2E000001", claimCode: "C-E2E0000000001")
        let claimed = try await owner.claimDevicesByClaimCode("C-E2E0000000001")
        #expect(claimed.total == 1)

        let outbox = try Outbox(stateDir: dir + "/bridge")
        let lines = Collector<String>()
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: bridge, notifier: SystemdNotifier(environment: [:]), say: lines.add)
        let run = Task { try await daemon.run() }
        let said = await lines.take(1 + 2 * expected.count)  // registration, then queued + delivered per press
        daemon.stop()
        try await run.value
        #expect(said.filter { $0.hasPrefix("delivered") }.count == expected.count)

        let events = try await owner.listDeviceEvents(deviceId: "G030PM0E2E000001", from: Date(timeIntervalSinceNow: -600), to: Date(timeIntervalSinceNow: 60))
        let clicks = (events.events ?? []).compactMap { e -> String? in
            guard let data = e.stdEvent?.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return obj["clickType"] as? String
        }
        #expect(clicks == expected.map(\.name.rawValue))
        #expect(try outbox.backlog().count == 0)
        await server.shutdown()
    }

    /// Presses while the service is down are kept, then delivered once when it comes up.
    @Test func serviceDownThenUpDeliversEverythingOnce() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        // Learn a free port, then stop the service: the bridge starts against a dead endpoint.
        let (first, env) = try await startService(in: dir)
        let port = first.port
        await first.shutdown()
        let outbox = try Outbox(stateDir: dir + "/bridge")
        for click in [ClickType.single, .double, .long] {
            try outbox.enqueue(deviceId: "G030PM0DOWN00001", button: "b", clickType: click, reportedTime: ReportedTime.derive(decidedAt: MonotonicClock.now()))
        }
        let sink = OneClickSink(client: try env.client(profile: "bridge"))
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: sink, policy: RetryPolicy.outbox.with(backoff: Backoff(initial: 0.05, cap: 0.2)), report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let failures = await reports.take(2)
        #expect(failures.allSatisfy { if case .willRetry(_, .connection, _) = $0 { true } else { false } })
        #expect(try outbox.backlog().count == 3)

        let store = try CredentialStore(path: env.credentialsPath)
        let again = try await ClaimServer.start(configuration: ClaimServiceConfiguration(
            stateDirectory: dir, host: "127.0.0.1", port: port, authenticator: CredentialStoreAuthenticator(store: store)))
        defer { Task { await again.shutdown() } }
        var delivered: [OutboxEvent] = []
        while delivered.count < 3 {
            let next = await reports.take(1)
            guard let r = next.first else { break }
            if case .delivered(let e) = r { delivered.append(e) }
        }
        #expect(delivered.map(\.clickType) == [.single, .double, .long])
        #expect(try outbox.backlog().count == 0)
        // Sending them again is answered as duplicates: nothing is counted twice.
        for e in delivered {
            let answer = try await sink.client.publishEvent(deviceId: e.deviceId, DeviceEventRequest(eventId: e.eventId, clickType: e.clickType.rawValue, reportedTime: e.reportedTime))
            #expect(answer.duplicate)
        }
    }

    /// The claim handshake through the bridge: initiate, a press, finalize answers CLAIMED.
    @Test func pressToClaim() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let (server, env) = try await startService(in: dir)
        defer { Task { await server.shutdown() } }
        let bridge = OneClickSink(client: try env.client(profile: "bridge"))
        let owner = try env.client(profile: "owner")
        try await bridge.register(deviceId: "G030PM0CLAIM0001", claimCode: nil)
        #expect(try await owner.initiateDeviceClaim(deviceId: "G030PM0CLAIM0001").state == "CLAIM_INITIATED")
        // Before the press: 412, saying what to do.
        do {
            _ = try await owner.finalizeDeviceClaim(deviceId: "G030PM0CLAIM0001")
            Issue.record("finalize before a press should fail")
        } catch {
            #expect(error.serviceError?.statusCode == 412)
        }
        let outbox = try Outbox(stateDir: dir + "/bridge")
        let reports = Collector<Publisher.Report>()
        let publisher = Publisher(outbox: outbox, sink: bridge, report: reports.add)
        let task = Task { await publisher.run() }
        defer { task.cancel() }
        let recorder = PressRecorder(outbox: outbox) { _, _ in publisher.wake() }
        let now = MonotonicClock.now()
        recorder.record(Press(button: "b", clickType: .single, pressedAt: now, decidedAt: now), deviceId: "G030PM0CLAIM0001")
        let got = await reports.take(1)
        #expect(got.count == 1)
        #expect(try await owner.finalizeDeviceClaim(deviceId: "G030PM0CLAIM0001").state == "CLAIMED")
    }

    @Test func theDemoRunsToTheEnd() async throws {
        let lines = Collector<String>()
        try await Demo(say: lines.add).run()
        let all = await lines.take(1000, timeout: 1)
        #expect(all.contains { $0.contains("FinalizeDeviceClaim") && $0.hasSuffix("CLAIMED") })
        #expect(all.contains { $0.contains("ListDeviceEvents") && $0.contains("4 events") })
        #expect(all.last?.contains("done") == true)
        // Its steps are numbered 1 to 10, in order, each once.
        let numbers = all.compactMap { line -> Int? in
            let words = line.split(separator: " ")
            return words.count > 1 && words[0].hasSuffix("s") ? Int(words[1]) : nil
        }
        #expect(numbers == Array(1...10))
        // Each press's edge count is the one its step announced (the LONG: some of them, while held).
        for (i, line) in all.enumerated() where line.contains(" raw edges on the line") {
            let announced = line.split(separator: " ").reversed().dropFirst(5).first.map(String.init)
            let detector = all[(i + 1)...].first { $0.contains("detector:") } ?? ""
            #expect(announced.map { detector.contains("from its \($0) edges") || detector.contains("of its \($0) edges") } == true, "\(line) / \(detector)")
        }
    }
}

import ClaimService
import Foundation
import Lines
import Logging
import OneClick
import Presses

/// `clickbridge demo`: the whole product in one process, in a few seconds. The embedded claim
/// service on a free loopback port and the real `BridgeDaemon` with one simulated button (the
/// same loop, outbox writer, publisher and registrar as `run`), then the claim handshake through
/// the real client, printed step by step as it happens.
public struct Demo: Sendable {
    public static let deviceId = "G030PM0DEMO00001"
    public static let claimCode = "C-DEMO2026CLICK"
    let say: @Sendable (String) -> Void

    public init(say: @escaping @Sendable (String) -> Void) { self.say = say }

    /// What the daemon reports, in order, plus the bound on one step's wait.
    enum Happening: Sendable {
        case report(DaemonReport)
        /// The bound on one step's wait has passed (a broken run must not hang).
        case timedOut(Int)
    }

    public func run() async throws(BridgeFailure) {
        let started = ContinuousClock.now
        let stamp = { @Sendable () -> String in
            let d = ContinuousClock.now - started
            let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
            return String(format: "%5.2fs", Double(ms) / 1000)
        }
        let say = self.say
        let step = { @Sendable (n: String, text: String) in say("\(stamp())  \(String(repeating: " ", count: max(0, 2 - n.count)))\(n)  \(text)") }
        let detail = { @Sendable (text: String) in say("            \(text)") }

        let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("clickbridge-demo-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let config = BridgeConfig(stateDir: stateDir, listen: "127.0.0.1:0", claimCode: Demo.claimCode,
                                  buttons: [ButtonConfig(deviceId: Demo.deviceId, name: "demo-button", source: .simulated)])
        // The demo prints its own account of every step; the components' logs would repeat it.
        let quiet = { @Sendable (label: String) in Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() }) }

        say("ClickBridge demo: a simulated button becomes an IoT 1-Click device, claimed and publishing, all on this machine.")
        // 1. The claim service, embedded, on a free port.
        let env = try await BridgeEnvironment.prepare(config: config, serviceLogger: quiet("clickbridge.service"))
        guard let server = env.embedded else { throw BridgeFailure("the embedded claim service did not start") }
        step("1", "claim service   listening on \(env.endpoint)  (IoT 1-Click Devices API, SigV4, SQLite in \(stateDir))")

        let (happenings, post) = AsyncStream.makeStream(of: Happening.self)
        var inbox = happenings.makeAsyncIterator()
        let outbox: Outbox
        let daemon: BridgeDaemon
        let owner: OneClickClient
        do {
            outbox = try Outbox(stateDir: stateDir)
            owner = try env.client(profile: "owner")
            let sink = OneClickSink(client: try env.client(profile: config.profile))
            // No systemd here, whatever the environment says; retries soon, as a demo should.
            daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]),
                                      retryPolicy: RetryPolicy.outbox.with(backoff: Backoff(initial: 0.1, cap: 1)), makeLogger: quiet, say: { _ in },
                                      observe: { post.yield(.report($0)) })
        } catch let e as BridgeFailure {
            await server.shutdown()
            throw e
        } catch let e as LineError {
            await server.shutdown()
            throw BridgeFailure("cannot start the button loop: \(e.message)")
        } catch {
            await server.shutdown()
            throw BridgeFailure("cannot open the outbox in \(stateDir): \(error)")
        }
        guard let button = daemon.simulatedButton(of: Demo.deviceId) else {
            await server.shutdown()
            throw BridgeFailure("the daemon has no simulated button for \(Demo.deviceId)")
        }
        // 2. The daemon: the simulated button on the live loop, and the device registered.
        let running = Task { try await daemon.run() }
        do {
            try await registered(inbox: &inbox, post: post, detail: detail)
            step("2", "button          simulated button 'demo-button' is device \(Demo.deviceId), registered with claim code \(Demo.claimCode)")

            // 3. The owner starts the claim.
            let initiated = try await owner.initiateDeviceClaim(deviceId: Demo.deviceId)
            step("3", "initiate claim  InitiateDeviceClaim(\(Demo.deviceId)) → \(initiated.state ?? "?")")

            // 4. A press, with bouncing contacts, is the proof of possession.
            try await press(SimulatedButton(name: "demo-button").click(.milliseconds(120), bounce: 3), expect: .single,
                            number: "4", label: "press (bouncy)", button: button, inbox: &inbox, post: post, attempt: 1, step: step, detail: detail)

            // 5. Finalize.
            let finalized = try await owner.finalizeDeviceClaim(deviceId: Demo.deviceId, tags: ["room": "demo"])
            step("5", "finalize claim  FinalizeDeviceClaim(\(Demo.deviceId)) → \(finalized.state ?? "?")")
            guard finalized.state == "CLAIMED" else { throw BridgeFailure("FinalizeDeviceClaim answered \(finalized.state ?? "nothing"), not CLAIMED") }

            // 6 to 8. The three click types.
            try await press(SimulatedButton(name: "demo-button").click(.milliseconds(90), bounce: 2), expect: .single,
                            number: "6", label: "press SINGLE", button: button, inbox: &inbox, post: post, attempt: 2, step: step, detail: detail)
            try await press(SimulatedButton(name: "demo-button").doubleClick(bounce: 2), expect: .double,
                            number: "7", label: "press DOUBLE", button: button, inbox: &inbox, post: post, attempt: 3, step: step, detail: detail)
            try await press(SimulatedButton(name: "demo-button").hold(.milliseconds(1700), bounce: 2), expect: .long,
                            number: "8", label: "press LONG", button: button, inbox: &inbox, post: post, attempt: 4, step: step, detail: detail)

            // 9 and 10. What the owner sees.
            let events = try await owner.listDeviceEvents(deviceId: Demo.deviceId, from: Date(timeIntervalSinceNow: -3600), to: Date(timeIntervalSinceNow: 60))
            let list = events.events ?? []
            step("9", "ListDeviceEvents(\(Demo.deviceId)) → \(list.count) events")
            var clicks: [String] = []
            for e in list {
                detail(e.stdEvent ?? "(no stdEvent)")
                if let data = e.stdEvent?.data(using: .utf8), let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let c = obj["clickType"] as? String { clicks.append(c) }
            }
            let expected = ["SINGLE", "SINGLE", "DOUBLE", "LONG"]
            guard clicks == expected else {
                throw BridgeFailure("ListDeviceEvents returned \(clicks), expected \(expected)")
            }
            let described = try await owner.describeDevice(deviceId: Demo.deviceId)
            step("10", "DescribeDevice(\(Demo.deviceId)) →")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(described), let text = String(data: data, encoding: .utf8) {
                for line in text.split(separator: "\n") { detail(String(line)) }
            }
        } catch {
            daemon.stop()
            _ = try? await running.value
            await server.shutdown()
            throw error as? BridgeFailure ?? BridgeFailure("\(error)")
        }
        daemon.stop()
        do { try await running.value } catch {
            await server.shutdown()
            throw BridgeFailure("the button loop failed: \((error as? LineError)?.message ?? "\(error)")")
        }
        await server.shutdown()
        let left = (try? outbox.backlog().count) ?? -1
        guard left == 0 else { throw BridgeFailure("\(left < 0 ? "the outbox could not be read" : "\(left) events were left in the outbox") after the daemon stopped") }
        step("✓", "done: claimed by button press, 4 events delivered and acknowledged, nothing left in the outbox")
    }

    /// Waits until the daemon has registered the device with its claim code.
    private func registered(inbox: inout AsyncStream<Happening>.Iterator, post: AsyncStream<Happening>.Continuation,
                            detail: @Sendable (String) -> Void) async throws {
        let bound = Task { try await Task.sleep(for: .seconds(10)); post.yield(.timedOut(0)) }
        defer { bound.cancel() }
        while let next = await inbox.next() {
            switch next {
            case .timedOut(0): throw BridgeFailure("\(Demo.deviceId) was not registered within 10 s")
            case .report(.registration(.registered)): return
            case .report(.registration(.willRetry(_, let why, _))): detail("registrar: not registered yet (\(why)); retrying")
            case .report(.registration(.refused(_, let why))): throw BridgeFailure("registering \(Demo.deviceId) failed: \(why)")
            default: continue
            }
        }
        throw BridgeFailure("the demo's event stream ended")
    }

    /// Plays one gesture on the live button and waits for its press to be decided and delivered.
    private func press(_ script: SimulatedButton, expect: ClickType, number: String, label: String, button: TimedEdgeSource,
                       inbox: inout AsyncStream<Happening>.Iterator, post: AsyncStream<Happening>.Continuation, attempt: Int,
                       step: @Sendable (String, String) -> Void, detail: @Sendable (String) -> Void) async throws {
        let edges = script.edges.count
        let first = button.play(script.trace, after: .milliseconds(20))
        step(number, "\(label.padding(toLength: 15, withPad: " ", startingAt: 0)) \(edges) raw edges on the line")
        var decided: Press?
        let bound = Task { try await Task.sleep(for: .seconds(10)); post.yield(.timedOut(attempt)) }
        defer { bound.cancel() }
        while let next = await inbox.next() {
            switch next {
            case .timedOut(let which):
                guard which == attempt else { continue }
                throw BridgeFailure(decided == nil ? "the simulated \(expect.rawValue) was not decided within 10 s" : "the \(expect.rawValue) event was not acknowledged within 10 s")
            case .report(.queued(let press, _)):
                guard press.clickType == expect else { throw BridgeFailure("the button was decided \(press.gesture), expected \(expect.rawValue)") }
                decided = press
                let held = Double((press.decidedAt - press.pressedAt).nanoseconds) / 1e6
                // The edges the loop had delivered when the detector decided: those played by then.
                let seen = script.edges.filter { first + ($0.time - script.edges[0].time) <= press.decidedAt }.count
                // A LONG is decided while the button is still held: its release edges come later.
                let when = seen < edges ? "while still held, after \(seen) of its \(edges) edges" : "from its \(edges) edges"
                detail("detector: debounced → \(press.gesture) \(when), decided \(Int(held.rounded())) ms after the first press; committed to the outbox")
            case .report(.publisher(.delivered(let event))):
                detail("publisher: event \(event.eventId) \(event.clickType.rawValue) at \(event.reportedTime) → acknowledged by the service")
                return
            case .report(.publisher(.willRetry(_, let why, _))):
                detail("publisher: not delivered yet (\(why)); retrying")
            case .report(.publisher(.deadLettered(_, let why))):
                throw BridgeFailure("the service refused the event: \(why)")
            case .report(.registration):
                continue
            }
        }
        throw BridgeFailure("the demo's event stream ended")
    }
}

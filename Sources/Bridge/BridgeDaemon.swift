import Foundation
import Lines
import Logging
import OneClick
import Presses
import QuietRuntime

/// The `run` daemon's core, and the demo's: the configured buttons on one event loop, every press
/// committed to the outbox, the publisher delivering it, the devices registered with their claim
/// code. It stops when `stop()` is called (SIGTERM/SIGINT in `clickbridge run`): pending presses
/// are decided at once and committed, and the publisher gets a short grace to deliver them.
public final class BridgeDaemon: Sendable {
    public let config: BridgeConfig
    private let outbox: Outbox
    private let sink: any EventSink
    private let logger: Logger
    private let say: @Sendable (String) -> Void
    private let observe: @Sendable (DaemonReport) -> Void
    private let makeLogger: @Sendable (String) -> Logger
    private let notifier: SystemdNotifier
    private let retryPolicy: RetryPolicy
    private let loop: LoopThread
    private let wiring: ButtonWiring
    /// How long, at shutdown, the publisher may keep delivering what is queued.
    public static let shutdownGrace: Duration = .seconds(3)

    /// Opens every button (a missing device is waited for; a bad trace file or an unknown key is
    /// an error). `say` prints the user-facing lines (device ids, presses, deliveries); `observe`
    /// gets the same happenings, and retries, as values. `makeLogger` makes each component's
    /// logger from its label.
    public init(config: BridgeConfig, outbox: Outbox, sink: any EventSink, notifier: SystemdNotifier = SystemdNotifier(),
                retryPolicy: RetryPolicy = .outbox, makeLogger: @escaping @Sendable (String) -> Logger = { Logger(label: $0) },
                say: @escaping @Sendable (String) -> Void,
                observe: @escaping @Sendable (DaemonReport) -> Void = { _ in }) throws(LineError) {
        self.config = config
        self.outbox = outbox
        self.sink = sink
        let logger = makeLogger("clickbridge.run")
        self.logger = logger
        self.makeLogger = makeLogger
        self.say = say
        self.observe = observe
        self.notifier = notifier
        self.retryPolicy = retryPolicy
        let box = HandlerBox()
        let eventLoop = try EventLoop { event in box.handle(event) }
        var wiring = ButtonWiring()
        try wiring.add(config.buttons, to: eventLoop)
        self.wiring = wiring
        let stateDir = (outbox.path as NSString).deletingLastPathComponent
        // MQTT only when configured: only then is libmosquitto loaded.
        let mqtt: MQTTPublisher?
        if let mqttConfig = config.mqtt {
            do {
                mqtt = try MQTTPublisher(config: mqttConfig, buttons: wiring.announced, stateDir: stateDir, policy: retryPolicy,
                                         logger: makeLogger("clickbridge.mqtt"))
            } catch {
                throw LineError(error.description)
            }
        } else {
            mqtt = nil
        }
        self.mqtt = mqtt
        // Pings come from the loop that decides presses, so they stop if it ever hangs.
        if let heartbeat = try WatchdogHeartbeat(notifier: notifier) { eventLoop.add(heartbeat, timings: []) }
        self.loop = LoopThread(eventLoop)
        let publisher = Publisher(outbox: outbox, sink: sink, policy: retryPolicy, logger: makeLogger("clickbridge.publisher")) { report in
            observe(.publisher(report))
            switch report {
            case .delivered(let e): say("delivered \(e.clickType.rawValue) of \(e.deviceId) (\(e.reportedTime))")
            case .willRetry, .deadLettered: break  // the publisher logs these itself
            }
        }
        self.publisher = publisher
        // Actions run after the commit, off the loop: `submit` only queues (hardware/actions.md).
        let perDevice = Dictionary(config.buttons.map { ($0.deviceId, $0.actions) }, uniquingKeysWith: { first, _ in first })
        let dispatcher = perDevice.values.contains { !$0.isEmpty }
            ? ActionDispatcher(buttons: perDevice, health: ActionHealth(file: ActionHealth.file(inStateDir: stateDir)),
                               logger: makeLogger("clickbridge.actions"))
            : nil
        self.actions = dispatcher
        // `status` reads the note while presses wait in memory for a full disk.
        let recorder = PressRecorder(outbox: outbox, logger: logger, note: try? OutboxNote(stateDir: stateDir)) { press, committed in
            observe(.queued(press, committed))
            if committed.queued != nil { publisher.wake() }
            dispatcher?.submit(ActionEvent(committed))
            mqtt?.submit(GesturePublication(press: press, deviceId: committed.deviceId, eventId: committed.eventId,
                                            reportedTime: committed.reportedTime))
        }
        self.recorder = recorder
        let writer = OutboxWriter(commit: { press, deviceId in
            guard let event = recorder.record(press, deviceId: deviceId) else { return }
            say("\(press.gesture) on \(deviceId) (\(press.button)), \(event.queued == nil ? "committed" : "queued") as \(event.eventId)")
        }, retryWaiting: { recorder.retryWaiting() })
        self.writer = writer
        let deviceIds = wiring.deviceIds
        let sources = wiring.sourceButtons
        box.set { event in
            switch event {
            case .press(let b, let press):
                writer.submit(press, deviceId: deviceIds[b])
            case .notice(let s, let notice):
                let device = s < sources.count ? sources[s].deviceId : "?"
                switch notice {
                case .appeared(let m): logger.notice("\(device): \(m)")
                case .vanished(let m): logger.warning("\(device): \(m)")
                case .failed(let m): logger.error("\(device): \(m); its other buttons, and the other devices, keep working")
                }
            case .edge: break
            }
        }
    }

    private let publisher: Publisher
    private let recorder: PressRecorder
    private let writer: OutboxWriter
    private let actions: ActionDispatcher?
    private let mqtt: MQTTPublisher?

    /// The loaded libmosquitto's version when MQTT is configured, for the start-up banner.
    public var mqttLibraryVersion: String? { mqtt?.libraryVersion }

    /// Everything that waits to be delivered; for the start-up banner.
    public var waitingDevices: [String] { wiring.waiting }

    /// The live source of a `simulated` button, for the program running the daemon to play
    /// `SimulatedButton` scripts on; nil for any other device.
    public func simulatedButton(of deviceId: String) -> TimedEdgeSource? { wiring.simulated[deviceId] }

    /// Runs until `stop()`. Returns once the lines are released and the outbox is consistent.
    public func run() async throws(LineError) {
        for line in wiring.waiting { logger.warning("\(line)") }
        writer.start()
        mqtt?.start()
        loop.start()
        let publisherTask = Task { await publisher.run() }
        let actions = self.actions
        let actionsTask = Task { await actions?.run() }
        defer { actions?.finish() }
        let registrar = Registrar(sink: sink, policy: retryPolicy, logger: makeLogger("clickbridge.registrar"))
        let devices = config.buttons.map { (deviceId: $0.deviceId, claimCode: config.claimCode) }
        let say = self.say
        let observe = self.observe
        let registerTask = Task {
            await registrar.registerAll(devices) { outcome in
                observe(.registration(outcome))
                if case .registered(let id) = outcome { say("registered \(id)\(devices.first?.claimCode.map { " with claim code \($0)" } ?? "")") }
            }
        }
        let notifier = self.notifier
        notifier.ready()
        defer { registerTask.cancel() }
        do throws(LineError) {
            try await loop.wait()
        } catch {
            await writer.finish()
            await mqtt?.stop()
            publisherTask.cancel()
            throw error
        }
        // The loop decided every pending press before it returned; the writer commits them.
        await writer.finish()
        // MQTT sends what was just committed, then `offline`, beside the 1-Click grace below.
        let mqtt = self.mqtt
        let mqttStopped = Task { await mqtt?.stop() }
        notifier.stopping()
        // A last try for presses a full disk kept in memory; past this they cannot be kept.
        if !recorder.retryWaiting() {
            logger.critical("LOST PRESSES: \(recorder.waitingCount) presses waited in memory for \(outbox.path) and could not be committed before the daemon stopped; free disk space")
        }
        // Give the publisher a moment to deliver what was just committed, then stop it. What it
        // cannot deliver stays queued.
        publisher.wake()
        let outbox = self.outbox
        let drained = Task {
            let deadline = ContinuousClock.now + BridgeDaemon.shutdownGrace
            while ContinuousClock.now < deadline, (try? outbox.backlog().count) ?? 0 > 0 {
                try? await QuietSleep.sleep(for: .milliseconds(50))
            }
        }
        await drained.value
        publisherTask.cancel()
        await publisherTask.value
        await mqttStopped.value
        // Presses already queued for actions still get them (each bounded by its timeout).
        actions?.finish()
        await actionsTask.value
        let left = (try? outbox.backlog().count) ?? 0
        if left > 0 { logger.notice("\(left) events stay queued in \(outbox.path); they are sent at the next start") }
    }

    /// Asks `run()` to end: every pending press is decided at once. Any thread.
    public func stop() { loop.stop() }

    /// SIGTERM and SIGINT stop `run()` as `stop()` does. The handler only writes to the loop's
    /// eventfd, so it works whichever thread the kernel delivers the signal to.
    public func stopOnSignals() { SignalStop.install(loop.loop) }
}

/// Lets the loop's handler be set after the loop is built (the handler needs what the loop's
/// sources produce). Set once before the loop runs, then read only on the loop's thread.
private final class HandlerBox: @unchecked Sendable {
    private var handler: ((LoopEvent) -> Void)?
    func set(_ h: @escaping (LoopEvent) -> Void) { handler = h }
    func handle(_ event: LoopEvent) { handler?(event) }
}

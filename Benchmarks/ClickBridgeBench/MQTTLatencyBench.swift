#if canImport(Bridge)
import Bridge
import CMosquitto
import Dispatch
import Foundation
import Glibc
import Lines
import Logging
import Presses
import TestSupport

/// Press decision to the `action` message at a subscriber on loopback (BENCHMARKS.md, "MQTT:
/// press decision to the action message"). What `run` runs, in one process: the embedded claim
/// service, `BridgeDaemon` with one simulated button (the live loop, the durable outbox commit,
/// the 1-Click publisher and the MQTT publisher fed from the committed press), a real `mosquitto`
/// on a free loopback port, and a libmosquitto subscriber on a thread of its own. Each interval
/// runs on CLOCK_MONOTONIC from `Press.decidedAt` (the instant the semantics allow the decision)
/// to the subscriber's message callback for the press's `action` message.
///
/// Presses are SINGLE clicks played one at a time: the next one starts SPACING_MS (plus 0-10 ms,
/// so nothing phase-locks) after the previous press's `event` message arrived, so nothing queues.
///
///   clickbridge-bench mqtt-latency [PRESSES] [SPACING_MS]      (defaults 1000, 100)
///
/// Run it from the repository: the state dir goes under `.build-bench-state/`, on disk, so the
/// outbox commits pay for real fsyncs (as `Benchmarks/press-to-ack` does).
enum MQTTLatencyBench {
    static let node = "bench"
    static let deviceId = "G030PM0MQTTBENCH"
    static let warmup = 10

    static func run() throws {
        let args = Array(CommandLine.arguments.dropFirst(2))
        let presses = args.first.flatMap { Int($0) } ?? 1000
        let spacing = args.count > 1 ? Int(args[1]) ?? 100 : 100

        let root = FileManager.default.currentDirectoryPath + "/.build-bench-state"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let work = root + "/mqtt-latency-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let broker = try BenchBroker(dir: work)
        defer { broker.stop() }
        let base = "clickbridge/\(node)/desk"
        let subscriber = try LoopbackSubscriber(port: broker.port, topics: ["clickbridge/\(node)/#"], actionTopic: base + "/action")
        defer { subscriber.stop() }

        let mqtt = MQTTConfig(host: "127.0.0.1", port: broker.port, node: node)
        // doubleWindow 0: a SINGLE is decided at its release's confirmation, not 400 ms later,
        // which shortens the run and changes nothing after the decision.
        let button = ButtonConfig(deviceId: deviceId, name: "desk", source: .simulated, timing: PressTiming(doubleWindow: .zero))
        let config = BridgeConfig(stateDir: work + "/state", listen: "127.0.0.1:0", buttons: [button], mqtt: mqtt)
        let quiet = { @Sendable (label: String) in Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() }) }
        let env = try blocking { try await BridgeEnvironment.prepare(config: config, serviceLogger: quiet("clickbridge.service")) }
        let committed = Locked<[(decided: Int64, committed: Int64, eventId: String)]>([])
        let outbox = try Outbox(stateDir: env.stateDir)
        let sink = OneClickSink(client: try env.client(profile: config.profile))
        let daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, notifier: SystemdNotifier(environment: [:]),
                                      makeLogger: quiet, say: { _ in }, observe: { report in
                                          guard case .queued(let press, let c) = report else { return }
                                          let now = MonotonicClock.now().nanoseconds
                                          committed.update { $0.append((press.decidedAt.nanoseconds, now, c.eventId)) }
                                      })
        let source = daemon.simulatedButton(of: deviceId)!
        let running = Task { try await daemon.run() }

        // Connected and announced before the first press.
        guard subscriber.waitFor(timeout: 10, { $0.contains { $0.topic == "clickbridge/\(node)/availability" && $0.payload == "online" } }) else {
            print("mqtt-latency: the daemon did not come online on the broker within 10 s; broker log:\n\(broker.log)")
            exit(1)
        }
        var random = SystemRandomNumberGenerator()
        let click = SimulatedButton(name: "desk").click(.milliseconds(60)).trace
        for i in 0..<(warmup + presses) {
            source.play(click, after: .milliseconds(1))
            // The press's `event` follows its `action`: once it is here, the pipeline is empty.
            guard subscriber.waitFor(timeout: 5, { $0.filter { $0.topic == base + "/event" }.count == i + 1 }) else {
                print("mqtt-latency: press \(i) did not arrive within 5 s")
                exit(1)
            }
            usleep(UInt32(spacing * 1000 + Int.random(in: 0...10_000, using: &random)))
        }
        daemon.stop()
        try blocking { try await running.value }
        if let server = env.embedded { try blocking { await server.shutdown() } }

        // Match the i-th committed press with the i-th `action` and `event`, and check it is the same press.
        let got = subscriber.messages
        let actions = got.filter { $0.topic == base + "/action" }
        let events = got.filter { $0.topic == base + "/event" }
        let pressesCommitted = committed.value
        var wrong = 0
        if actions.count != pressesCommitted.count || events.count != pressesCommitted.count { wrong += 1 }
        for (k, p) in pressesCommitted.enumerated() where k < events.count && k < actions.count {
            let json = (try? JSONSerialization.jsonObject(with: Data(events[k].payload.utf8))) as? [String: Any]
            if actions[k].payload != "single" || json?["event_id"] as? String != p.eventId { wrong += 1 }
        }
        guard wrong == 0 else {
            print("mqtt-latency: \(pressesCommitted.count) presses committed, \(actions.count) actions and \(events.count) events received; \(wrong) do not match")
            exit(1)
        }
        let measured = Array(zip(pressesCommitted, actions).dropFirst(warmup))
        let total = measured.map { p, m in m.at - p.decided }.sorted()
        let toCommit = measured.map { p, _ in p.committed - p.decided }.sorted()
        let afterCommit = measured.map { p, m in m.at - p.committed }.sorted()
        func line(_ what: String, _ v: [Int64]) -> String {
            // Nearest rank.
            func q(_ p: Double) -> String { String(format: "%.2f ms", Double(v[max(0, Int((Double(v.count) * p).rounded(.up)) - 1)]) / 1e6) }
            return "\(what): p50 \(q(0.5)), p99 \(q(0.99)), max \(q(1))"
        }
        print("presses: \(measured.count) SINGLE (after \(warmup) unmeasured), \(spacing)-\(spacing + 10) ms after the previous one's event; every action and event matched its committed press; libmosquitto \(daemon.mqttLibraryVersion ?? "?")")
        print(line("decision -> action at the subscriber", total))
        print(line("  decision -> outbox committed", toCommit))
        print(line("  committed -> action at the subscriber", afterCommit))
    }

    /// Runs `body` on the concurrency pool and blocks this (main) thread until it is done.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Locked<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { let v = try await body(); result.update { $0 = .success(v) } } catch { result.update { $0 = .failure(error) } }
            done.signal()
        }
        done.wait()
        return try result.value!.get()
    }
}

/// A value behind a lock, shared between threads.
final class Locked<T>: @unchecked Sendable {
    // @unchecked Sendable: `stored` is only touched under `lock`.
    private var stored: T
    private let lock = NSLock()
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func update(_ change: (inout T) -> Void) { lock.withLock { change(&stored) } }
}

/// `mosquitto` on a free loopback port, anonymous, logging to a file in `dir`. Spawned with
/// posix_spawn and reaped with waitpid, as TestSupport does, not with Foundation's `Process`.
final class BenchBroker {
    let port: Int
    let logPath: String
    private var pid: pid_t = 0

    init(dir: String) throws {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]
        guard let executable = paths.map({ $0 + "/mosquitto" }).first(where: { access($0, X_OK) == 0 }) else {
            throw BenchFailure("no mosquitto executable (Debian: apt install mosquitto)")
        }
        port = try freePort()
        logPath = dir + "/mosquitto.log"
        let conf = dir + "/mosquitto.conf"
        try "listener \(port) 127.0.0.1\nallow_anonymous true\nlog_dest stderr\n".write(toFile: conf, atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let words: [String] = [executable, "-c", conf]
        let argv = words.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
        for _ in 0..<200 {
            if acceptsConnections(port: port) { return }
            usleep(25_000)
        }
        stop()
        throw BenchFailure("mosquitto did not listen on \(port): \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A libmosquitto client (QoS 1) on a thread of its own that stamps every message with
/// CLOCK_MONOTONIC as its callback is entered.
final class LoopbackSubscriber: @unchecked Sendable {
    // @unchecked Sendable: `received` is behind its lock; `mosq` and `api` are used by the
    // subscriber's thread only, after `init`, until `stop` has joined it.
    struct Message: Sendable {
        var topic: String
        var payload: String
        var at: Int64
    }

    private final class Context: @unchecked Sendable {
        // @unchecked Sendable: the C callbacks run on the subscriber's thread; `received` is locked.
        let api: cb_mosquitto_api
        let topics: [String]
        let received = Locked<[Message]>([])
        let arrived = DispatchSemaphore(value: 0)
        init(api: cb_mosquitto_api, topics: [String]) {
            self.api = api
            self.topics = topics
        }
    }

    private let context: Context
    private let mosq: OpaquePointer
    private let stopping = Locked(false)
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int, topics: [String], actionTopic: String) throws {
        var api = cb_mosquitto_api()
        if let error = cb_mosquitto_open("libmosquitto.so.1", &api) { throw BenchFailure("cannot load libmosquitto: \(String(cString: error))") }
        _ = api.lib_init!()
        context = Context(api: api, topics: topics)
        guard let client = api.new!("clickbridge-bench-subscriber", true, Unmanaged.passUnretained(context).toOpaque()) else {
            throw BenchFailure("mosquitto_new failed")
        }
        mosq = client
        _ = api.int_option!(client, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5)
        api.connect_callback_set!(client) { mosq, me, rc in
            guard let me, rc == 0 else { return }
            let context = Unmanaged<Context>.fromOpaque(me).takeUnretainedValue()
            for t in context.topics { _ = context.api.subscribe!(mosq, nil, t, 1) }
        }
        api.message_callback_set!(client) { _, me, message in
            let at = MonotonicClock.now().nanoseconds
            guard let me, let m = message?.pointee else { return }
            let context = Unmanaged<Context>.fromOpaque(me).takeUnretainedValue()
            let topic = m.topic.map { String(cString: $0) } ?? ""
            let payload = m.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(m.payloadlen)), as: UTF8.self) } ?? ""
            context.received.update { $0.append(Message(topic: topic, payload: payload, at: at)) }
            context.arrived.signal()
        }
        let rc = api.connect!(client, "127.0.0.1", Int32(port), 60)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw BenchFailure("subscriber cannot connect: \(rc)") }
        let thread = Thread { [self] in loop() }
        thread.name = "bench-subscriber"
        thread.start()
    }

    var messages: [Message] { context.received.value }

    /// Waits until `done` holds for what has arrived; false after `timeout` seconds.
    func waitFor(timeout: Double, _ done: ([Message]) -> Bool) -> Bool {
        let deadline = DispatchTime.now() + timeout
        while !done(messages) {
            if context.arrived.wait(timeout: deadline) == .timedOut { return done(messages) }
        }
        return true
    }

    func stop() {
        stopping.update { $0 = true }
        finished.wait()
        _ = context.api.disconnect!(mosq)
        context.api.destroy!(mosq)
    }

    /// poll(2) on the client's socket; reads as soon as it is readable.
    private func loop() {
        let api = context.api
        while !stopping.value {
            var pfd = pollfd(fd: api.socket!(mosq), events: Int16(POLLIN) | (api.want_write!(mosq) ? Int16(POLLOUT) : 0), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                if pfd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { _ = api.loop_read!(mosq, 1) }
                if pfd.revents & Int16(POLLOUT) != 0 { _ = api.loop_write!(mosq, 1) }
            }
            _ = api.loop_misc!(mosq)
        }
        finished.signal()
    }
}
#endif

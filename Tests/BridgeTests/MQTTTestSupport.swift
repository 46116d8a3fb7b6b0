import Foundation
import Glibc
import TestSupport
@testable import Bridge

/// A real `mosquitto` on a free loopback port, with a configuration the test writes and its log
/// (every packet, `log_type all`) in a file the test can read.
final class TestBroker: @unchecked Sendable {
    // @unchecked Sendable: `process` is set and cleared by the test's own task only.
    static let executable = "/usr/sbin/mosquitto"
    let port: Int
    let dir: String
    let logPath: String
    /// Extra configuration lines (password file, TLS) for the listener.
    let listenerLines: [String]
    private var process: LaunchedProcess?

    init(dir: String, listenerLines: [String] = ["allow_anonymous true"], persistent: Bool = false) throws {
        self.port = try freePort()
        self.dir = dir + "/broker"
        self.logPath = self.dir + "/mosquitto.log"
        self.listenerLines = listenerLines
        try FileManager.default.createDirectory(atPath: self.dir, withIntermediateDirectories: true)
        var lines = ["per_listener_settings true", "log_dest stderr", "log_type all", "log_timestamp false"]
        // Started as root, mosquitto drops to its own user, which may not read the test's keys
        // or write its persistence here.
        if geteuid() == 0 { lines.append("user root") }
        if persistent { lines += ["persistence true", "persistence_location \(self.dir)/"] }
        lines += ["listener \(port) 127.0.0.1"] + listenerLines
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var configPath: String { dir + "/mosquitto.conf" }

    /// Starts it and returns once it accepts connections.
    func start() async throws {
        process = try LaunchedProcess(Self.executable, ["-c", configPath], standardError: .file(logPath))
        for _ in 0..<200 {
            if acceptsConnections(port: port) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw BrokerFailure(description: "mosquitto did not listen on \(port): \(log)")
    }

    /// SIGTERM, as `systemctl stop` does, and waits for it to end.
    func stop() async throws {
        guard let process else { return }
        process.terminate()
        try await offPool { process.waitUntilExit() }
        self.process = nil
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }


    struct BrokerFailure: Error, CustomStringConvertible { var description: String }
}

/// One message as `mosquitto_sub` printed it.
struct Received: Sendable, Equatable, CustomStringConvertible {
    var retained: Bool
    var qos: Int
    var topic: String
    var payload: String

    /// `mosquitto_sub -F '%r %q %t %p'`: retain flag, QoS, topic, payload.
    init?(line: String) {
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, let qos = Int(parts[1]) else { return nil }
        retained = parts[0] == "1"
        self.qos = qos
        topic = String(parts[2])
        payload = parts.count == 4 ? String(parts[3]) : ""
    }

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
    }

    var description: String { "\(retained ? "R" : "-")\(qos) \(topic) \(payload)" }
}

/// A live `mosquitto_sub` (QoS 1, so what arrives at QoS 1 was published at QoS 1) whose
/// messages arrive in `messages`.
final class TestSubscriber: @unchecked Sendable {
    private let received = Box<[Received]>([])
    private let process: LaunchedProcess

    /// Everything received so far, in order.
    var messages: [Received] { received.withLock { $0 } }

    /// Waits until `done` holds for what has arrived (or `timeout` seconds pass), and returns it.
    @discardableResult
    func wait(timeout: Double = 20, until done: @Sendable ([Received]) -> Bool) async -> [Received] {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let now = messages
            if done(now) { return now }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return messages
    }

    /// `session`: a client id with a persistent session, so messages published while the broker
    /// restarts are kept for it; `mosquitto_sub` reconnects by itself.
    init(port: Int, topics: [String], session: String? = nil, extra: [String] = []) throws {
        var arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-F", "%r %q %t %p"] + extra
        if let session { arguments += ["-i", session, "-c"] }
        for t in topics { arguments += ["-t", t] }
        let buffer = LineBuffer()
        let received = self.received
        process = try LaunchedProcess("/usr/bin/mosquitto_sub", arguments, standardOutput: .chunks { chunk in
            let new = buffer.add(chunk).compactMap(Received.init(line:))
            received.withLock { $0 += new }
        })
    }

    func stop() async throws {
        process.terminate()
        let process = self.process
        try await offPool { process.waitUntilExit() }
    }
}

/// What the broker holds retained under `topics` now: a fresh subscriber reads them and ends
/// after `seconds` with nothing new.
func retainedMessages(port: Int, topics: [String], extra: [String] = [], seconds: Int = 1) async throws -> [Received] {
    var arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-F", "%r %q %t %p", "-W", "\(seconds)", "--retained-only"] + extra
    for t in topics { arguments += ["-t", t] }
    let all = arguments
    let done = try await offPool { try FinishedCommand.run("/usr/bin/mosquitto_sub", all) }
    return done.out.split(separator: "\n").compactMap { Received(line: String($0)) }
}

/// `retainedMessages`, read again until `done` holds (at most `attempts` reads): the daemon logs
/// its connection before the messages it then publishes have reached the broker.
func retainedMessages(port: Int, topics: [String], extra: [String] = [], attempts: Int = 15,
                      until done: ([Received]) -> Bool) async throws -> [Received] {
    var got: [Received] = []
    for _ in 0..<attempts {
        got = try await retainedMessages(port: port, topics: topics, extra: extra)
        if done(got) { break }
    }
    return got
}

/// `mosquitto_pub` once.
func publishOnce(port: Int, topic: String, message: String, extra: [String] = []) async throws {
    let done = try await offPool {
        try FinishedCommand.run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic, "-m", message] + extra)
    }
    guard done.status == 0 else { throw TestBroker.BrokerFailure(description: "mosquitto_pub: \(done.err)") }
}

/// A `run` configuration file, mode 0600 (as `run` requires), with the embedded service on a
/// free port.
func writeRunConfig(_ text: String, in dir: String, name: String = "clickbridge.yaml") throws -> String {
    let path = dir + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o600)
    return path
}

/// `clickbridge run` as a real process; its stdout and stderr (swift-log) lines are kept.
final class RunningBridge: @unchecked Sendable {
    let process: LaunchedProcess
    private let out = Box<[String]>([])
    private let err = Box<[String]>([])

    init(config: String) throws {
        let outBuffer = LineBuffer(), errBuffer = LineBuffer()
        let out = self.out, err = self.err
        process = try ClickBridgeBinary.launch(["run", "--config", config],
                                               standardOutput: .chunks { c in let l = outBuffer.add(c); out.withLock { $0 += l } },
                                               standardError: .chunks { c in let l = errBuffer.add(c); err.withLock { $0 += l } })
    }

    var lines: [String] { out.withLock { $0 } }
    var logs: [String] { err.withLock { $0 } }

    /// Waits until a log line contains `text`.
    @discardableResult
    func waitForLog(_ text: String, timeout: Double = 20) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if logs.contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func stop(signal: Int32 = SIGTERM) async throws {
        kill(process.processIdentifier, signal)
        let process = self.process
        try await offPool { process.waitUntilExit() }
    }
}

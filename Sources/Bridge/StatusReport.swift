import Foundation
import Glibc
import OneClick

/// What `clickbridge status` shows: each button with its source and whether it is there, each
/// device's claim state as the service reports it, the outbox backlog and its dead letters.
public struct StatusReport: Sendable {
    public struct ButtonLine: Sendable {
        public var deviceId: String
        public var name: String
        public var source: String
        public var present: Bool
        /// As the service reports it (`CLAIMED`, `UNCLAIMED`, …), or why it could not say.
        public var claimState: String
    }

    public var endpoint: String
    public var outboxPath: String?
    public var buttons: [ButtonLine]
    public var backlog: Backlog?
    public var deadLetters: [DeadLetter]
    /// Devices with queued events that are no longer configured (they are still delivered).
    public var unconfiguredDevices: [String]
    /// Each action's runs, failures and last error, as the daemon last wrote them.
    public var actions: [ActionRecord] = []
    /// What the running daemon says about presses it cannot commit yet (a full disk), if anything.
    public var outboxNote: String?
    /// The latest committed data SQLite dropped when recovering a damaged WAL at start: the
    /// service's database (from its registration view) and the outbox (from its table).
    public var serviceDataLoss: StoreDataLoss?
    public var outboxDataLoss: StoreDataLoss?
    /// With `mqtt:` configured: the broker, and what the running daemon last wrote of its connection.
    public var mqttBroker: String?
    public var mqtt: MQTTLinkStatus?

    /// Gathers everything; `claimState` asks the service about one device (never throws: it
    /// returns the reason it could not tell). A state dir or outbox that exists but cannot be
    /// read throws: `status` must not report "nothing yet" for what it cannot see.
    public static func gather(config: BridgeConfig, stateDir: String, endpoint: String,
                              claimState: (String) async -> String) async throws(BridgeFailure) -> StatusReport {
        var buttons: [ButtonLine] = []
        for b in config.buttons {
            buttons.append(ButtonLine(deviceId: b.deviceId, name: b.name, source: SourcePresence.describe(b.source),
                                      present: SourcePresence.isPresent(b.source), claimState: await claimState(b.deviceId)))
        }
        let path = (stateDir as NSString).appendingPathComponent(Outbox.fileName)
        var report = StatusReport(endpoint: endpoint, outboxPath: nil, buttons: buttons, backlog: nil, deadLetters: [], unconfiguredDevices: [])
        report.mqttBroker = config.mqtt?.brokerText
        // A bridge that never ran has no state dir or outbox: that, and only that, is "none yet".
        guard access(stateDir, F_OK) == 0 || errno != ENOENT else { return report }
        if let why = FileAccess.whyUnreadableDirectory(stateDir) {
            throw BridgeFailure("cannot read the state dir \(stateDir): \(why); \(readAdvice)")
        }
        let actionsFile = ActionHealth.file(inStateDir: stateDir)
        if access(actionsFile, F_OK) == 0 {
            do { report.actions = try ActionHealth.load(file: actionsFile) } catch {
                throw BridgeFailure("cannot read \(actionsFile): \(FileAccess.whyUnreadable(actionsFile) ?? "\(error)"); \(readAdvice)")
            }
        }
        report.outboxNote = OutboxNote.read(stateDir: stateDir)
        report.mqttBroker = config.mqtt?.brokerText
        if config.mqtt != nil { report.mqtt = MQTTLinkStatus.read(stateDir: stateDir) }
        guard access(path, F_OK) == 0 else { return report }
        do {
            // Read-only: status neither creates nor changes the outbox of a running daemon.
            let outbox = try Outbox(path: path, readOnly: true)
            report.outboxPath = path
            report.backlog = try outbox.backlog()
            report.deadLetters = try outbox.deadLetters()
            let configured = Set(config.buttons.map(\.deviceId))
            report.unconfiguredDevices = try outbox.pendingDevices().filter { !configured.contains($0) }
            report.outboxDataLoss = try outbox.dataLoss()
        } catch {
            throw BridgeFailure("cannot read the outbox \(path): \(FileAccess.whyUnreadable(path) ?? "\(error)"); \(readAdvice)")
        }
        return report
    }

    static var readAdvice: String {
        "run status as the daemon's user or root, or join its group: sudo adduser \(FileAccess.userName(geteuid())) clickbridge, then log in again"
    }

    /// The text `status` prints.
    public var text: String {
        var lines: [String] = []
        lines.append("endpoint  \(endpoint)")
        if let serviceDataLoss {
            lines.append("service   \(serviceDataLoss.summary)")
        }
        if let mqttBroker {
            lines.append(contentsOf: mqttLines(broker: mqttBroker))
        }
        lines.append("")
        lines.append("buttons")
        for b in buttons {
            lines.append("  \(b.deviceId)  \(b.present ? "present" : "MISSING")  \(b.claimState)")
            lines.append("      \(b.name): \(b.source)")
        }
        lines.append("")
        if !actions.isEmpty {
            lines.append("actions")
            for a in actions {
                let failed = a.failures > 0 ? "  \(a.failures) FAILED" : ""
                lines.append("  \(a.deviceId) \(a.clickType)[\(a.index)] \(a.action): \(a.runs) runs\(failed); last: \(a.lastResult)")
                if let error = a.lastError, let at = a.lastErrorAt {
                    lines.append("      last error \(StatusReport.age(WireTimestamp.now().secondsSinceEpoch - at)) ago, event \(a.lastErrorEventId ?? "?"): \(error)")
                }
            }
            lines.append("")
        }
        if let backlog, let outboxPath {
            let age = backlog.oldestAge.map { ", oldest \(StatusReport.age($0))" } ?? ""
            lines.append("outbox    \(backlog.count) waiting\(age)\(backlog.count >= Outbox.backlogWarningThreshold ? "  (over the warning threshold of \(Outbox.backlogWarningThreshold))" : "")  (\(outboxPath))")
            if !unconfiguredDevices.isEmpty {
                lines.append("          queued for devices no longer configured (still delivered): \(unconfiguredDevices.joined(separator: ", "))")
            }
            if let outboxNote { lines.append("          \(outboxNote)") }
            if let outboxDataLoss {
                lines.append("          \(outboxDataLoss.summary)")
            }
            lines.append("dead letters  \(backlog.deadLetters)")
            for d in deadLetters {
                lines.append("  \(d.event.deviceId) \(d.event.clickType.rawValue) \(d.event.reportedTime) event \(d.event.eventId): \(d.status) \(d.code): \(d.message)")
            }
        } else {
            lines.append("outbox    none yet (the bridge has not run with this state dir)")
        }
        return lines.joined(separator: "\n")
    }

    /// `mqtt      mqtt://host:1883 connected since …`, or its last error and when, and the presses
    /// dropped as older than `maxAge`.
    func mqttLines(broker: String) -> [String] {
        guard let m = mqtt, m.broker == broker else {
            return ["mqtt      \(broker): no connection state yet (the daemon has not run with MQTT on)"]
        }
        var lines = ["mqtt      \(broker) " + (m.connected ? "connected since \(m.since)" : "NOT CONNECTED (trying since \(m.since))")]
        if let error = m.lastError, let at = m.lastErrorAt {
            lines.append("          last error at \(at): \(error)")
        }
        lines.append("          \(m.droppedTooOld) press\(m.droppedTooOld == 1 ? "" : "es") dropped as older than maxAge")
        return lines
    }

    static func age(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        if seconds < 172_800 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86400)) days"
    }
}

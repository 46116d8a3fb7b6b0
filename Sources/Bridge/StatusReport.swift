import Foundation

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

    /// Gathers everything; `claimState` asks the service about one device (never throws: it
    /// returns the reason it could not tell).
    public static func gather(config: BridgeConfig, stateDir: String, endpoint: String,
                              claimState: (String) async -> String) async -> StatusReport {
        var buttons: [ButtonLine] = []
        for b in config.buttons {
            buttons.append(ButtonLine(deviceId: b.deviceId, name: b.name, source: SourcePresence.describe(b.source),
                                      present: SourcePresence.isPresent(b.source), claimState: await claimState(b.deviceId)))
        }
        let path = (stateDir as NSString).appendingPathComponent(Outbox.fileName)
        var report = StatusReport(endpoint: endpoint, outboxPath: nil, buttons: buttons, backlog: nil, deadLetters: [], unconfiguredDevices: [])
        // Opening creates the file; a bridge that never ran has no outbox, and status must not make one.
        guard FileManager.default.fileExists(atPath: path), let outbox = try? Outbox(path: path) else { return report }
        report.outboxPath = path
        report.backlog = try? outbox.backlog()
        report.deadLetters = (try? outbox.deadLetters()) ?? []
        let configured = Set(config.buttons.map(\.deviceId))
        report.unconfiguredDevices = ((try? outbox.pendingDevices()) ?? []).filter { !configured.contains($0) }
        return report
    }

    /// The text `status` prints.
    public var text: String {
        var lines: [String] = []
        lines.append("endpoint  \(endpoint)")
        lines.append("")
        lines.append("buttons")
        for b in buttons {
            lines.append("  \(b.deviceId)  \(b.present ? "present" : "MISSING")  \(b.claimState)")
            lines.append("      \(b.name): \(b.source)")
        }
        lines.append("")
        if let backlog, let outboxPath {
            let age = backlog.oldestAge.map { ", oldest \(StatusReport.age($0))" } ?? ""
            lines.append("outbox    \(backlog.count) waiting\(age)\(backlog.count >= Outbox.backlogWarningThreshold ? "  (over the warning threshold of \(Outbox.backlogWarningThreshold))" : "")  (\(outboxPath))")
            if !unconfiguredDevices.isEmpty {
                lines.append("          queued for devices no longer configured (still delivered): \(unconfiguredDevices.joined(separator: ", "))")
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

    static func age(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        if seconds < 172_800 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86400)) days"
    }
}

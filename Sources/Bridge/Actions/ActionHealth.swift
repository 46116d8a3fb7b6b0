import Foundation
import OneClick
import Synchronization

/// The outcome of every configured action, kept in memory and, when given a file, written there
/// atomically after each run: `clickbridge status` is another process and reads that file.
public final class ActionHealth: Sendable {
    public let file: String?
    private let records: Mutex<[String: ActionRecord]>

    /// The file in a state dir.
    public static func file(inStateDir dir: String) -> String { dir + "/actions.json" }

    public init(file: String?) {
        self.file = file
        records = Mutex([:])
    }

    public func record(_ event: ActionEvent, index: Int, action: Action, ok: Bool, result: String,
                       now: Double = WireTimestamp.now().secondsSinceEpoch) {
        // The file is written under the lock: two actions finishing at once must not have the
        // older snapshot land last.
        records.withLock { records in
            var r = records["\(event.deviceId)/\(event.gesture.name.rawValue)/\(index)"]
                ?? ActionRecord(deviceId: event.deviceId, button: event.button, clickType: event.gesture.name.rawValue,
                                index: index, action: action.summary)
            r.button = event.button
            r.action = action.summary
            r.runs += 1
            r.lastRunAt = now
            r.lastResult = result
            if !ok {
                r.failures += 1
                r.lastError = result
                r.lastErrorAt = now
                r.lastErrorEventId = event.eventId
            }
            records[r.key] = r
            if let file { try? Self.write(Array(records.values), to: file) }
        }
    }

    /// Sorted by device, click type and position.
    public func snapshot() -> [ActionRecord] {
        records.withLock { Self.sorted(Array($0.values)) }
    }

    /// What a running (or the last) daemon wrote; empty when there is no file yet.
    public static func load(file: String) throws -> [ActionRecord] {
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return sorted(try JSONDecoder().decode([ActionRecord].self, from: data))
    }

    private static func write(_ records: [ActionRecord], to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(sorted(records)).write(to: URL(fileURLWithPath: file), options: .atomic)
        // `status` reads it as a member of the state dir's group.
        StateFiles.setMode(file, StateFiles.sharedMode)
    }

    private static func sorted(_ records: [ActionRecord]) -> [ActionRecord] {
        records.sorted { ($0.deviceId, $0.clickType, $0.index) < ($1.deviceId, $1.clickType, $1.index) }
    }
}

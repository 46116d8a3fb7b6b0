import Foundation
import Glibc
import OneClick

/// What `clickbridge status` shows of the broker connection, kept by the running daemon in
/// `mqtt.json` in the state dir. Written only when something changes (connect, loss, a refusal,
/// a press dropped as too old), so an idle daemon never writes it.
public struct MQTTLinkStatus: Codable, Sendable, Equatable {
    public var broker: String
    public var connected: Bool
    /// When the connection was made, or when the daemon started trying.
    public var since: String
    public var lastError: String?
    public var lastErrorAt: String?
    /// Presses older than `maxAge` when they could finally be sent: logged, counted, not sent.
    public var droppedTooOld: Int

    public init(broker: String, connected: Bool = false, since: String = WireTimestamp.now().formatted, lastError: String? = nil,
                lastErrorAt: String? = nil, droppedTooOld: Int = 0) {
        self.broker = broker
        self.connected = connected
        self.since = since
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.droppedTooOld = droppedTooOld
    }

    public static let fileName = "mqtt.json"

    public static func read(stateDir: String) -> MQTTLinkStatus? {
        let path = (stateDir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(MQTTLinkStatus.self, from: data)
    }

    /// Replaces the file whole (a temporary file renamed over it), readable by the daemon's group
    /// as `status` needs.
    func write(stateDir: String) throws {
        let data = try JSONEncoder().encode(self)
        try StateFileWriter.replace((stateDir as NSString).appendingPathComponent(Self.fileName), with: data, mode: StateFiles.sharedMode)
    }
}

/// The discovery topics the last run announced, in `mqtt-discovery.json`: what the next start
/// clears when a button has left the configuration.
enum AnnouncedTopics {
    static let fileName = "mqtt-discovery.json"

    static func read(stateDir: String) -> [String] {
        let path = (stateDir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    static func write(_ topics: [String], stateDir: String) throws {
        try StateFileWriter.replace((stateDir as NSString).appendingPathComponent(fileName),
                                    with: try JSONEncoder().encode(topics), mode: StateFiles.privateMode)
    }
}

enum StateFileWriter {
    static func replace(_ path: String, with data: Data, mode: mode_t) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileProblem(path: temporary, reason: "cannot be written: \(String(cString: strerror(errno)))") }
        _ = fchmod(fd, mode)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FileProblem(path: path, reason: "cannot be replaced: \(String(cString: strerror(errno)))")
        }
    }
}

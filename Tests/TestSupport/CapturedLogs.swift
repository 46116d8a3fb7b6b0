import Logging
import Synchronization

/// A logger whose lines a test reads back instead of printing them.
public final class CapturedLogs: Sendable {
    public struct Line: Sendable, Equatable {
        public var level: Logger.Level
        public var message: String
    }

    private let captured = Mutex<[Line]>([])

    public init() {}

    public var lines: [Line] { captured.withLock { $0 } }

    /// The messages logged at `level` or above, in order.
    public func messages(atLeast level: Logger.Level) -> [String] {
        lines.filter { $0.level >= level }.map(\.message)
    }

    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(logs: self) }
    }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        var metadataProvider: Logger.MetadataProvider?

        func log(event: LogEvent) {
            logs.captured.withLock { $0.append(Line(level: event.level, message: event.message.description)) }
        }
    }
}

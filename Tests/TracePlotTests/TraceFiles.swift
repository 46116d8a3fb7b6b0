import Foundation
import Lines
import Presses

/// The recorded traces of `hardware/traces/`, which every plot test runs over.
enum TraceFiles {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repository.appendingPathComponent("hardware/traces")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0 != "README.md" && !$0.hasSuffix(".svg") && !$0.hasPrefix(".") }
            .sorted()
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The trace as `replay` and `plot` read it, and the timing they use.
    static func load(_ name: String) throws -> (Trace, PressTiming) {
        let job = ReplayJob(path: path(name))
        let trace = try job.readTrace()
        return (trace, job.timing(for: trace))
    }
}

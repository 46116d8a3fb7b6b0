import Foundation
import Lines
import Presses
import Testing

/// Every trace in hardware/traces/ is a test: it is read with format auto-detection, replayed
/// with its own timing, and must produce exactly the presses it states.
enum TraceFiles {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("hardware/traces")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0 != "README.md" && !$0.hasPrefix(".") }
            .sorted()
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func read(_ name: String) throws -> Trace {
        try TraceReader.read(contentsOf: path(name))
    }
}

@Suite struct TraceDirectoryTests {
    @Test func theDirectoryHoldsEnoughTracesInEveryFormat() throws {
        let names = TraceFiles.names
        #expect(names.count >= 12)
        var formats: Set<TraceFormat> = []
        for n in names { formats.insert(try TraceFiles.read(n).format) }
        #expect(formats == Set(TraceFormat.allCases))
        #expect(names.contains("double-bouncy.txt"))
        #expect(try TraceFiles.read("double-bouncy.txt").format == .gpiomon)
    }

    @Test(arguments: TraceFiles.names)
    func traceChecksItself(_ name: String) throws {
        let trace = try TraceFiles.read(name)
        #expect(trace.checksItself, "\(name) states no expectations; add 'expect' lines")
        #expect(!trace.edges.isEmpty)
        let presses = TraceReplay.presses(of: trace)
        let problems = trace.mismatches(presses)
        #expect(problems.isEmpty, "\(name):\n\(problems.joined(separator: "\n"))")
    }
}

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
            .filter { $0 != "README.md" && !$0.hasSuffix(".svg") && !$0.hasPrefix(".") }
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

/// The self-check can fail: wrong, missing and extra presses are all reported.
@Suite struct TraceExpectationTests {
    static let clean = SimulatedButton(name: "b").click(.milliseconds(120)).trace // SINGLE 0 → 520 ms

    func check(_ lines: String) throws -> [String] {
        var text = NativeTraceWriter.document(Self.clean)
        text = text.replacingFirst("polarity active-high\n", "polarity active-high\n" + lines)
        let t = try TraceReader.read(text: text)
        return t.mismatches(TraceReplay.presses(of: t))
    }

    @Test func rightExpectationPasses() throws {
        #expect(try check("expect SINGLE b pressedAt=0 decidedAt=0.520\n").isEmpty)
        #expect(try check("expect SINGLE b pressedAt=0 decidedAt=0.5209 tolerance=1ms\n").isEmpty)
    }

    @Test func wrongTimeTypeOrButtonFails() throws {
        #expect(try check("expect SINGLE b pressedAt=0 decidedAt=0.523\n").count == 1)
        #expect(try check("expect SINGLE b pressedAt=0 decidedAt=0.523 tolerance=5ms\n").isEmpty)
        #expect(try check("expect DOUBLE b pressedAt=0 decidedAt=0.520\n").count == 1)
        #expect(try check("expect SINGLE c pressedAt=0 decidedAt=0.520\n").count == 2) // c missing, b unexpected
    }

    @Test func missingAndExtraPressesFail() throws {
        #expect(try check("expect SINGLE b pressedAt=0 decidedAt=0.520\nexpect SINGLE b pressedAt=1 decidedAt=1.520\n").count == 1)
        #expect(try check("expect none\n").count == 1)
    }
}

private extension String {
    func replacingFirst(_ a: String, _ b: String) -> String {
        guard let r = range(of: a) else { return self }
        return String(self[..<r.lowerBound]) + b + String(self[r.upperBound...])
    }
}

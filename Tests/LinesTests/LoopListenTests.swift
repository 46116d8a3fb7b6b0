import Foundation
import Lines
import Presses
import Testing

/// `listen --trace` and `record` through the live loop, against instant replay of the same files.
@Suite("listen and record")
struct LoopListenTests {
    static let traces: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("hardware/traces")

    /// The bundled traces short enough to play in real time in a test (a few seconds each).
    static var shortTraces: [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: traces.path)) ?? []).filter { $0 != "README.md" && !$0.hasSuffix(".svg") }.sorted()
        return names.filter { name in
            guard let t = try? TraceReader.read(contentsOf: traces.appendingPathComponent(name).path),
                  let first = t.edges.first, let last = t.edges.last else { return false }
            return (last.edge.time - first.edge.time) < .seconds(3.5)
        }
    }

    @Test("the bundled traces include several short enough for real time")
    func enoughShortTraces() { #expect(Self.shortTraces.count >= 6) }

    @Test("listen --trace --json prints exactly what replay --json prints", arguments: shortTraces)
    func listenEqualsReplay(name: String) throws {
        let path = Self.traces.appendingPathComponent(name).path
        var replayed: [String] = []
        try ReplayJob(path: path, json: true).run { replayed.append($0) }
        var live: [String] = []
        var notes: [String] = []
        let count = try ListenJob(input: .trace(path: path, read: TraceReadOptions()), json: true)
            .run(stopOnSignals: false, write: { live.append($0) }, note: { notes.append($0) })
        #expect(count == replayed.count)
        #expect(live.sorted() == replayed.sorted())
        #expect(notes.first?.hasPrefix("listening on \(path) in real time") == true)
    }

    @Test("listen without --json shows edges as well as presses")
    func listenText() throws {
        let path = Self.traces.appendingPathComponent("single.trace").path
        var lines: [String] = []
        try ListenJob(input: .trace(path: path, read: TraceReadOptions())).run(stopOnSignals: false, write: { lines.append($0) }, note: { _ in })
        let trace = try TraceReader.read(contentsOf: path)
        #expect(lines.filter { $0.hasPrefix("edge") }.count == trace.edges.count)
        #expect(lines.filter { $0.hasPrefix("SINGLE") }.count == 1)
    }

    @Test("a missing trace file fails at once with one line")
    func missingTrace() {
        let error = #expect(throws: LineError.self) {
            try ListenJob(input: .trace(path: "/nonexistent/x.trace", read: TraceReadOptions())).run(stopOnSignals: false, write: { _ in }, note: { _ in })
        }
        #expect(error?.message.contains("/nonexistent/x.trace") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("record writes a native trace edge by edge whose expectations hold on replay")
    func recordRoundTrip() throws {
        let input = Self.traces.appendingPathComponent("two-buttons.trace").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).trace").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var shown: [String] = []
        let summary = try RecordJob(input: .trace(path: input, read: TraceReadOptions()), output: out)
            .run(stopOnSignals: false, write: { shown.append($0) }, note: { _ in })
        let original = try TraceReader.read(contentsOf: input)
        let recorded = try TraceReader.read(contentsOf: out)
        #expect(summary.edges == original.edges.count)
        #expect(recorded.edges.map(\.edge) == original.edges.map(\.edge))
        #expect(recorded.checksItself)
        #expect(recorded.expectations.count == summary.presses.count)
        #expect(shown.count == summary.presses.count)
        // The recording's presses are the original's (button ids may be renamed).
        #expect(TraceReplay.presses(of: recorded).map(\.clickType) == TraceReplay.presses(of: original).map(\.clickType))
        #expect(TraceReplay.presses(of: recorded).map(\.decidedAt) == TraceReplay.presses(of: original).map(\.decidedAt))
    }

    @Test("record refuses an output it cannot create, before waiting for anything")
    func recordBadOutput() {
        let input = Self.traces.appendingPathComponent("single.trace").path
        let error = #expect(throws: LineError.self) {
            try RecordJob(input: .trace(path: input, read: TraceReadOptions()), output: "/nonexistent/dir/out.trace").run(stopOnSignals: false, write: { _ in }, note: { _ in })
        }
        #expect(error?.message.hasPrefix("cannot create /nonexistent/dir/out.trace") == true)
    }
}

import Foundation
import Lines
import TestSupport
import Testing
@testable import TracePlot

/// `clickbridge plot` as a person runs it, and its SVG through a real renderer.
@Suite struct PlotCommandTests {
    static func temporaryPath(_ suffix: String) -> String {
        testScratch.appendingPathComponent("clickbridge-plot-\(UUID().uuidString)\(suffix)").path
    }

    @Test func writesTheSameBytesAsTheLibrary() async throws {
        let out = Self.temporaryPath(".svg")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let trace = TraceFiles.path("double-bouncy.txt")
        let run = try await ClickBridgeBinary.run(["plot", trace, "-o", out])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err.isEmpty)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written == (try PlotJob(replay: ReplayJob(path: trace)).svg()))

        // replay's flags reach the plot: with a 100 ms window the same clicks are two SINGLEs.
        let narrow = try await ClickBridgeBinary.run(["plot", trace, "-o", "-", "--double-window", "100ms"])
        #expect(narrow.status == 0, "\(narrow.err)")
        let doc = try SVGDocument(narrow.out)
        #expect(doc.elements(class: "gesture").compactMap { $0.attributes["data-gesture"] } == ["SINGLE", "SINGLE"])
    }

    @Test func badInputIsOneLineOnStderr() async throws {
        let out = Self.temporaryPath(".svg")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let trace = TraceFiles.path("double-bouncy.txt")
        let cases: [(arguments: [String], says: String)] = [
            (["plot", "/nonexistent/trace.txt", "-o", out], "No such file"),
            (["plot", trace, "-o", out, "--from", "soon"], "--from: 'soon' is not a time in seconds"),
            (["plot", trace, "-o", out, "--to=-3"], "--to: '-3' is not a time"),
            (["plot", trace, "-o", out, "--from", "8418", "--to", "8417"], "--from 8418 must be before --to 8417"),
            (["plot", trace, "-o", out, "--from", "9000"], "is after the trace ends"),
            (["plot", trace, "-o", out, "--debounce", "fast"], "--debounce"),
            (["plot", trace, "-o", "/nonexistent/dir/p.svg"], "/nonexistent/dir/p.svg"),
        ]
        for c in cases {
            let run = try await ClickBridgeBinary.run(c.arguments)
            #expect(run.status != 0, "\(c.arguments)")
            #expect(run.err.split(separator: "\n").count == 1, "\(c.arguments): \(run.err)")
            #expect(run.err.contains(c.says), "\(c.arguments): \(run.err)")
            #expect(run.out.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: out), "a refused plot writes no file")
    }

    /// Each trace's SVG renders with librsvg, as a browser would show it.
    @Test(arguments: TraceFiles.names)
    func rendersToPNG(_ name: String) async throws {
        let svg = Self.temporaryPath(".svg"), png = Self.temporaryPath(".png")
        defer {
            try? FileManager.default.removeItem(atPath: svg)
            try? FileManager.default.removeItem(atPath: png)
        }
        try PlotJob(replay: ReplayJob(path: TraceFiles.path(name))).svg().write(toFile: svg, atomically: false, encoding: .utf8)
        let converter = try #require(Self.rsvgConvert, "rsvg-convert not found: install Debian's librsvg2-bin (scripts/setup does)")
        let run = try await offPool { try FinishedCommand.run(converter, [svg, "-o", png]) }
        #expect(run.status == 0, "\(run.err)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        #expect(bytes.count > 5_000)
    }

    static let rsvgConvert: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}

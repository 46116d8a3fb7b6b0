import Foundation
import Lines
import Presses
import Testing
@testable import TracePlot

/// Every trace in hardware/traces/ plotted, and the plot checked against what `replay` reports.
@Suite struct PlotTraceTests {
    @Test func thereAreTracesToPlot() {
        #expect(TraceFiles.names.count >= 12)
        #expect(TraceFiles.names.contains("double-bouncy.txt"))
    }

    @Test(arguments: TraceFiles.names)
    func plotsToWellFormedSVGWithOneMarkerPerPress(_ name: String) throws {
        let (trace, timing) = try TraceFiles.load(name)
        let svg = try TracePlot.svg(trace, timing: timing, name: name)
        let doc = try SVGDocument(svg)
        #expect(doc.root?.name == "svg")
        #expect(doc.root?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(doc.elements(class: "lane").count == trace.buttons.count)
        #expect(!svg.contains("<script"), "no JavaScript")

        // Exactly the presses replay reports, each with its marker and its label.
        let presses = TraceReplay.presses(of: trace, timing: timing)
        let markers = doc.elements(class: "gesture")
        #expect(markers.count == presses.count, "\(name): \(markers.count) markers for \(presses.count) presses")
        let drawn = Set(markers.map { m in
            Marker(gesture: m.attributes["data-gesture"] ?? "", button: m.attributes["data-button"] ?? "",
                   pressedAt: m.attributes["data-pressed-at"] ?? "", decidedAt: m.attributes["data-decided-at"] ?? "")
        })
        let reported = Set(presses.map { p in
            Marker(gesture: p.gesture.name.rawValue, button: p.button, pressedAt: p.pressedAt.description, decidedAt: p.decidedAt.description)
        })
        #expect(drawn == reported)
        for m in markers {
            let labels = doc.descendants(of: m).filter { $0.attributes["class"] == "gesture-label" }
            #expect(labels.count == 1)
            #expect(labels.first?.text.hasPrefix(m.attributes["data-gesture"] ?? "?") == true, "label \(labels.first?.text ?? "none")")
        }
    }

    @Test(arguments: TraceFiles.names)
    func plottingTwiceGivesTheSameBytes(_ name: String) throws {
        let first = try PlotJob(replay: ReplayJob(path: TraceFiles.path(name))).svg()
        let second = try PlotJob(replay: ReplayJob(path: TraceFiles.path(name))).svg()
        #expect(Array(first.utf8) == Array(second.utf8))
        // Nothing of this machine: the title has the file's name, not its path.
        #expect(!first.contains(TraceFiles.directory.path))
    }

    /// The debounced view comes from the same run of the detector as the decisions: the observing
    /// run's own presses are replay's.
    @Test(arguments: TraceFiles.names)
    func theObservedRunDecidesAsReplayDoes(_ name: String) throws {
        let (trace, timing) = try TraceFiles.load(name)
        for lane in TracePlot.lanes(trace, timing: timing) {
            #expect(lane.observedPresses == lane.presses, "\(name) \(lane.button)")
            // Bursts are in order and each covers its own edges.
            for (a, b) in zip(lane.bursts, lane.bursts.dropFirst()) { #expect(a.resolvedAt <= b.start) }
            for b in lane.bursts {
                #expect(b.start == lane.edges[b.edges.lowerBound].time)
                #expect(b.resolvedAt == lane.edges[b.edges.upperBound - 1].time + timing.debounce)
            }
        }
    }

    @Test func doubleBouncyShowsWhyItIsADouble() throws {
        let (trace, timing) = try TraceFiles.load("double-bouncy.txt")
        let lane = try #require(TracePlot.lanes(trace, timing: timing).first)
        #expect(lane.bursts.map(\.outcome) == [.pressed, .released, .pressed, .released])
        // The first release opened the window, and the second press began inside it.
        let window = try #require(lane.bursts[1].deadline)
        #expect(window == lane.bursts[1].start + timing.doubleWindow)
        #expect(lane.bursts[2].start < window)
        // The second release ended the sequence: no window after it.
        #expect(lane.bursts[3].deadline == nil)
        #expect(lane.presses.map(\.gesture) == [.double])
        #expect(lane.presses.first?.decidedAt == lane.bursts[3].resolvedAt)

        let doc = try SVGDocument(try TracePlot.svg(trace, timing: timing, name: "double-bouncy.txt"))
        #expect(doc.elements(class: "window").count == 1)
        #expect(doc.elements(class: "inset").count == 4)
        #expect(doc.elements(class: "burst").compactMap { $0.attributes["data-kind"] } == ["press", "release", "press", "release"])
    }

    /// A lane's header states the gesture settings that are on, from the trace's own timing line.
    @Test func theHeaderStatesTheGestureSettings() throws {
        let repeating = try PlotJob(replay: ReplayJob(path: TraceFiles.path("long-repeat.trace"))).svg()
        #expect(repeating.contains("max presses 2 · repeat 300ms"))
        let releasing = try PlotJob(replay: ReplayJob(path: TraceFiles.path("long-release.trace"))).svg()
        #expect(releasing.contains("· long release"))
        let plain = try PlotJob(replay: ReplayJob(path: TraceFiles.path("double-bouncy.txt"))).svg()
        #expect(!plain.contains("repeat") && !plain.contains("long release"))
    }

    /// The plot hardware/traces/README.md shows is the one `plot` makes today.
    @Test func theCommittedPlotIsCurrent() throws {
        let committed = try String(contentsOfFile: TraceFiles.path("double-bouncy.svg"), encoding: .utf8)
        let now = try PlotJob(replay: ReplayJob(path: TraceFiles.path("double-bouncy.txt"))).svg()
        #expect(committed == now, "regenerate it: swift run clickbridge plot hardware/traces/double-bouncy.txt -o hardware/traces/double-bouncy.svg")
    }

    /// A 2 ms glitch inside a 2 s hold: under a pixel on the main axis, so it gets a flag there
    /// and an inset of its own, where it is a third of the panel.
    @Test func aShortGlitchInALongHoldGetsItsOwnInset() throws {
        let script = SimulatedButton(name: "GPIO17", start: Timestamp(nanoseconds: 5_000_000_000))
            .down().wait(.milliseconds(1000)).glitch(.milliseconds(2)).wait(.milliseconds(1000)).up()
        let trace = script.trace
        let svg = try TracePlot.svg(trace, timing: .default, name: "hold")
        let doc = try SVGDocument(svg)
        #expect(doc.elements(class: "burst").compactMap { $0.attributes["data-kind"] } == ["press", "glitch", "release"])
        let insets = doc.elements(class: "inset")
        #expect(insets.count == 3)
        let glitchInset = try #require(insets.dropFirst().first)
        let caption = doc.descendants(of: glitchInset).filter { $0.name == "text" }.map(\.text)
        #expect(caption.contains { $0.contains("glitch, ignored") }, "\(caption)")
        #expect(caption.contains { $0.contains("2 edges in 2.0ms") }, "\(caption)")
        #expect(doc.elements(class: "gesture").map { $0.attributes["data-gesture"] } == ["LONG"])
    }
}

private struct Marker: Hashable {
    var gesture: String
    var button: String
    var pressedAt: String
    var decidedAt: String
}

import Lines
import Presses
import Testing
@testable import TracePlot

/// Long traces: summarised whole, drawn in detail through a window.
@Suite struct LongTraceTests {
    /// About 10,000 edges of clicks, double clicks, holds, bounce and glitches.
    static let trace: Trace = {
        var s = SimulatedButton(name: "GPIO17", start: Timestamp(nanoseconds: 1_000_000_000_000), seed: 7)
        var rng = SplitMix64(seed: 13)
        while s.edges.count < 10_000 {
            let bounce = Int(rng.next() % 4)
            switch rng.next() % 4 {
            case 0: s = s.click(.milliseconds(90), bounce: bounce).wait(.milliseconds(700))
            case 1: s = s.doubleClick(bounce: bounce).wait(.milliseconds(600))
            case 2: s = s.hold(.milliseconds(1800), bounce: bounce).wait(.milliseconds(500))
            default: s = s.wait(.milliseconds(100)).glitch(.milliseconds(1)).wait(.milliseconds(50))
            }
        }
        return s.trace
    }()

    @Test func aLongTraceIsSummarisedInBins() throws {
        let trace = Self.trace
        #expect(trace.edges.count >= 10_000)
        let svg = try TracePlot.svg(trace, timing: .default, name: "long")
        let doc = try SVGDocument(svg)
        #expect(doc.elements(class: "lane").first?.attributes["data-mode"] == "summary")
        // Not a wall of ink: a bounded number of elements, whatever the length.
        #expect(doc.elements.count < 2_000, "\(doc.elements.count) elements")
        #expect(svg.utf8.count < 200_000)
        #expect(doc.elements(class: "gesture").isEmpty)
        let bins = doc.elements(class: "bin")
        #expect(bins.count > 0 && bins.count <= SummaryLane.bins)
        // The bins count every edge and every gesture replay reports.
        #expect(bins.compactMap { Int($0.attributes["data-edges"] ?? "") }.reduce(0, +) == trace.edges.count)
        let presses = TraceReplay.presses(of: trace)
        #expect(bins.compactMap { Int($0.attributes["data-gestures"] ?? "") }.reduce(0, +) == presses.count)
        var byKind: [String: Int] = [:]
        for p in presses { byKind[p.gesture.name.rawValue, default: 0] += 1 }
        var drawn: [String: Int] = [:]
        for r in doc.elements(class: "gesture-bin") { drawn[r.attributes["data-gesture"]!, default: 0] += Int(r.attributes["data-count"]!)! }
        #expect(drawn == byKind)
    }

    @Test func aWindowOfTheLongTraceIsDrawnInDetail() throws {
        let trace = Self.trace
        let presses = TraceReplay.presses(of: trace)
        let from = presses[100].pressedAt, to = presses[110].decidedAt
        let svg = try TracePlot.svg(trace, timing: .default, window: PlotWindow(from: from, to: to), name: "long")
        let doc = try SVGDocument(svg)
        #expect(doc.elements(class: "lane").first?.attributes["data-mode"] == "detail")
        let inView = presses.filter { $0.pressedAt <= to && $0.decidedAt >= from }
        #expect(doc.elements(class: "gesture").count == inView.count)
        #expect(inView.count >= 11)
    }

    @Test func windowFlagsAreReadExactly() throws {
        #expect(try PlotWindow(from: "8417.7", to: "8418").from == Timestamp(nanoseconds: 8_417_700_000_000))
        #expect(try PlotWindow(from: nil, to: "0.000000001").to == Timestamp(nanoseconds: 1))
        #expect(try PlotWindow(from: ".5", to: nil).from == Timestamp(nanoseconds: 500_000_000))
        for bad in ["", "abc", "-1", "1.2.3", "1e3", "1.0000000001", "5s", ".", "99999999999"] {
            #expect(throws: PlotError.self, "\(bad)") { try PlotWindow(from: bad, to: nil) }
        }
        #expect(throws: PlotError("--from 2 must be before --to 1")) { try PlotWindow(from: "2", to: "1") }
        #expect(throws: PlotError.self) { try PlotWindow(from: "1", to: "1") }
    }

    @Test func aWindowThatMissesTheTraceIsRefused() throws {
        let trace = Self.trace
        let end = trace.edges.last!.edge.time
        #expect(throws: PlotError.self) {
            try TracePlot.svg(trace, timing: .default, window: PlotWindow(from: end + .seconds(60)), name: "long")
        }
        #expect(throws: PlotError.self) {
            try TracePlot.svg(trace, timing: .default, window: PlotWindow(to: Timestamp(nanoseconds: 1)), name: "long")
        }
    }

    @Test func textIsEscapedAndNumbersAreFixed() {
        #expect(SVGWriter.escape("a<b & \"c\" 'd'>\u{1}") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}")
        #expect(PlotText.number(12.34) == "12.3")
        #expect(PlotText.number(-0.04) == "0")
        #expect(PlotText.number(-0.06) == "-0.1")
        #expect(PlotText.number(.nan) == "0")
        #expect(PlotText.seconds(Timestamp(nanoseconds: 8_417_662_315_904), decimals: 3) == "8417.662")
        #expect(PlotText.duration(.milliseconds(20)) == "20.0ms")
        #expect(PlotText.duration(Span(nanoseconds: 2_000_000)) == "2.0ms")
        #expect(PlotText.duration(Span(nanoseconds: 450_000)) == "450us")
        #expect(PlotText.duration(.milliseconds(1500)) == "1.50s")
        #expect(PlotText.count(1_234) == "1.2k")
        #expect(PlotText.grouped(1_000_000) == "1,000,000")
    }

    @Test func ticksAreRoundAndInsideTheRange() {
        let s = TimeScale(from: Timestamp(nanoseconds: 8_417_632_000_000), to: Timestamp(nanoseconds: 8_418_094_000_000), x0: 100, width: 1000)
        let (ticks, decimals) = s.ticks(minSpacing: 110)
        // 462 ms over 1000 px, ticks at least 110 px apart: every 100 ms, labelled with one decimal.
        #expect(ticks.count == 4)
        #expect(decimals == 1)
        #expect(ticks.map { PlotText.seconds($0, decimals: decimals) } == ["8417.7", "8417.8", "8417.9", "8418.0"])
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(s.x(b) - s.x(a) >= 110) }
        for t in ticks { #expect(s.contains(t)) }
        let fine = TimeScale(from: Timestamp(nanoseconds: 0), to: Timestamp(nanoseconds: 3_000_000), x0: 0, width: 1000)
        let (fineTicks, fineDecimals) = fine.ticks(minSpacing: 110)
        #expect(fineDecimals == 4)
        #expect(fineTicks.map { PlotText.seconds($0, decimals: fineDecimals) } == ["0.0000", "0.0005", "0.0010", "0.0015", "0.0020", "0.0025", "0.0030"])
    }
}

import Lines
import Presses

/// `clickbridge plot`: a trace drawn as SVG, one lane per button on the trace's own time axis,
/// showing what the real detector made of it (ARCHITECTURE.md, "Trace plots").
///
/// The same trace, timing and window give the same bytes: numbers are formatted with integer
/// arithmetic, nothing depends on the clock, the locale or the machine, and the file name shown
/// is the trace's last path component.
public enum TracePlot {
    /// The SVG document. `name` is shown in the title (give a file name, not a path).
    public static func svg(_ trace: Trace, timing: PressTiming, window: PlotWindow = .init(), name: String) throws(PlotError) -> String {
        let lanes = LaneObserver.observe(trace, timing: timing)
        return try svg(lanes, trace: trace, window: window, name: name)
    }

    /// What the plot is drawn from: one observed lane per button.
    public static func lanes(_ trace: Trace, timing: PressTiming) -> [ObservedLane] {
        LaneObserver.observe(trace, timing: timing)
    }

    static func svg(_ lanes: [ObservedLane], trace: Trace, window: PlotWindow, name: String) throws(PlotError) -> String {
        let (from, to) = try window.range(for: lanes)
        let scale = TimeScale(from: from, to: to, x0: PlotStyle.plotX, width: PlotStyle.plotWidth)
        let summarised = lanes.map { SummaryLane.needsSummary($0, scale) }
        let titleHeight = 54.0
        var height = titleHeight
        for s in summarised { height += s ? SummaryLane.height : DetailLane.height }
        let legendHeight = summarised.contains(false) ? 64.0 : 8.0
        height += legendHeight
        if lanes.isEmpty { height += 30 }

        var svg = SVGWriter()
        svg.open("svg", [
            "xmlns": "http://www.w3.org/2000/svg", "version": "1.1",
            "width": PlotText.number(PlotStyle.width), "height": PlotText.number(height),
            "viewBox": "0 0 \(PlotText.number(PlotStyle.width)) \(PlotText.number(height))",
            "font-family": PlotStyle.fontStack, "fill": PlotStyle.text,
        ])
        svg.element("title", content: "\(name): clickbridge plot")
        svg.element("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
        let edges = PlotText.grouped(trace.edges.count)
        let buttons = "\(trace.buttons.count) button\(trace.buttons.count == 1 ? "" : "s")"
        svg.element("text", ["x": "8", "y": "22", "font-size": "16", "font-weight": "bold"], content: name)
        svg.element("text", ["x": "8", "y": "40", "font-size": "11", "fill": PlotStyle.muted],
                    content: "\(trace.format.rawValue) trace, \(edges) edges, \(buttons)\(trace.activeLow ? ", active-low" : ""); from \(PlotText.seconds(from, decimals: 9)) to \(PlotText.seconds(to, decimals: 9)) s on the trace's clock. Gestures are those clickbridge replay reports with the timing shown.")
        var top = titleHeight
        for (i, lane) in lanes.enumerated() {
            svg.open("g", ["class": "lane", "data-button": lane.button, "data-mode": summarised[i] ? "summary" : "detail"])
            if summarised[i] {
                SummaryLane(lane: lane, scale: scale, index: i).draw(into: &svg, top: top)
                top += SummaryLane.height
            } else {
                DetailLane(lane: lane, scale: scale, index: i).draw(into: &svg, top: top)
                top += DetailLane.height
            }
            svg.close("g")
        }
        if lanes.isEmpty {
            svg.element("text", ["x": "8", "y": PlotText.number(top + 16), "font-size": "12"], content: "The trace has no buttons.")
        }
        if summarised.contains(false) { Legend.draw(into: &svg, top: top + 4) }
        svg.close("svg")
        return svg.text
    }
}

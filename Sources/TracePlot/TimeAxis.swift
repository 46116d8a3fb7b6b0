/// The time axis under a lane: ticks and labels in seconds on the trace's clock, the same units
/// `--from` and `--to` take, with light grid lines up through the rows.
enum TimeAxis {
    static func draw(_ scale: TimeScale, into svg: inout SVGWriter, y: Double, gridTop: Double) {
        let (ticks, decimals) = scale.ticks(minSpacing: 110)
        svg.open("g", ["class": "axis", "font-size": "10", "fill": PlotStyle.muted])
        svg.element("line", ["x1": n(scale.x0), "y1": n(y), "x2": n(scale.x0 + scale.width), "y2": n(y), "stroke": PlotStyle.axis])
        for t in ticks {
            let x = scale.x(t)
            // Leave the left end to the axis's own label.
            if x < scale.x0 + 30 { continue }
            svg.element("line", ["x1": n(x), "y1": n(gridTop), "x2": n(x), "y2": n(y), "stroke": PlotStyle.grid, "stroke-width": "1"])
            svg.element("line", ["x1": n(x), "y1": n(y), "x2": n(x), "y2": n(y + 4), "stroke": PlotStyle.axis])
            svg.element("text", ["x": n(x), "y": n(y + 15), "text-anchor": "middle"], content: PlotText.seconds(t, decimals: decimals))
        }
        svg.element("text", ["x": n(PlotStyle.plotX - 8), "y": n(y + 15), "text-anchor": "end"], content: "seconds")
        svg.close("g")
    }

    private static func n(_ v: Double) -> String { PlotText.number(v) }
}

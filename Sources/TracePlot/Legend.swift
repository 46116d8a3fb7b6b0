/// The key under the lanes drawn in detail: one swatch per kind of mark.
enum Legend {
    static func draw(into svg: inout SVGWriter, top: Double) {
        svg.open("g", ["class": "legend", "font-size": "10"])
        let items: [(swatch: Swatch, text: String)] = [
            (.line(PlotStyle.raw, 1), "raw edges (pressed is high)"),
            (.line(PlotStyle.level, 2.5), "debounced level the detector confirmed"),
            (.shade(PlotStyle.pressShade), "press: first edge to confirmation"),
            (.shade(PlotStyle.releaseShade), "release: first edge to confirmation"),
            (.shade(PlotStyle.glitch), "glitch, ignored"),
            (.shade(PlotStyle.window), "multi-press window after a release"),
            (.line(PlotStyle.long, 2), "press to its long threshold (dotted once released)"),
            (.diamond(PlotStyle.gesture), "gesture at its decision, line back to its press"),
        ]
        let columns = 4
        let columnWidth = (PlotStyle.width - 16) / Double(columns)
        for (i, item) in items.enumerated() {
            let x = 8 + Double(i % columns) * columnWidth
            let y = top + 14 + Double(i / columns) * 18
            switch item.swatch {
            case .line(let colour, let width):
                svg.element("line", ["x1": n(x), "y1": n(y - 4), "x2": n(x + 18), "y2": n(y - 4), "stroke": colour, "stroke-width": n(width)])
            case .shade(let colour):
                svg.element("rect", ["x": n(x), "y": n(y - 10), "width": "18", "height": "11", "fill": colour, "fill-opacity": "0.35"])
            case .diamond(let colour):
                svg.element("path", ["d": "M\(n(x + 9)) \(n(y - 10))l5 5l-5 5l-5 -5z", "fill": colour])
            }
            svg.element("text", ["x": n(x + 24), "y": n(y), "fill": PlotStyle.text], content: item.text)
        }
        svg.close("g")
    }

    enum Swatch {
        case line(String, Double)
        case shade(String)
        case diamond(String)
    }

    private static func n(_ v: Double) -> String { PlotText.number(v) }
}

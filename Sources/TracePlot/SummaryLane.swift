import Presses

/// One button whose view holds too many bursts to draw one by one: the time axis is cut into
/// equal bins, and each bin shows how many raw edges it holds (a density band with counts), the
/// share of its time the button was confirmed down, and its gestures counted by kind. Every bin
/// carries a `<title>` with its exact figures. Bounce, windows and thresholds need detail, which
/// `--from` and `--to` give.
struct SummaryLane {
    let lane: ObservedLane
    let scale: TimeScale
    let index: Int

    /// A lane switches to the summary above this many bursts or gestures in view. About 18 px per
    /// burst on the plot's width: below that, shading and numbers run together.
    static let detailLimit = 60
    static let bins = 48

    static let densityTop = 50.0, densityHeight = 34.0
    static let dutyTop = 100.0, dutyHeight = 22.0
    static let gesturesTop = 136.0, gesturesHeight = 30.0
    static let axisY = 190.0
    static let height = 234.0

    static func needsSummary(_ lane: ObservedLane, _ scale: TimeScale) -> Bool {
        let bursts = lane.bursts.partitioningIndex { $0.start > scale.to } - lane.bursts.partitioningIndex { $0.resolvedAt >= scale.from }
        if bursts > detailLimit { return true }
        var presses = 0
        for p in lane.presses where scale.overlaps(p.pressedAt, p.decidedAt) {
            presses += 1
            if presses > detailLimit { return true }
        }
        return false
    }

    struct Bin {
        var from: Timestamp
        var to: Timestamp
        var edges = 0
        var glitches = 0
        var pressedNanoseconds: Int64 = 0
        var gestures: [Gesture.Name: Int] = [:]
        var gestureCount = 0
    }

    func bins() -> [Bin] {
        let span = scale.span.nanoseconds
        var bins = (0..<Self.bins).map { i in
            Bin(from: Timestamp(nanoseconds: scale.from.nanoseconds + Int64((Double(span) * Double(i) / Double(Self.bins)).rounded(.down))),
                to: Timestamp(nanoseconds: scale.from.nanoseconds + Int64((Double(span) * Double(i + 1) / Double(Self.bins)).rounded(.down))))
        }
        bins[Self.bins - 1].to = scale.to
        func bin(_ t: Timestamp) -> Int? {
            guard scale.contains(t) else { return nil }
            let i = Int(Double(t.nanoseconds - scale.from.nanoseconds) / Double(span) * Double(Self.bins))
            var k = min(max(i, 0), Self.bins - 1)
            // Rounding may put an instant one bin off at a boundary; the bins' own bounds decide.
            while k > 0, t < bins[k].from { k -= 1 }
            while k < Self.bins - 1, t >= bins[k].to { k += 1 }
            return k
        }
        let lo = lane.edges.partitioningIndex { $0.time >= scale.from }
        for e in lane.edges[lo...] {
            guard let k = bin(e.time) else { break }
            bins[k].edges += 1
        }
        for p in lane.presses {
            guard let k = bin(p.decidedAt) else { continue }
            bins[k].gestures[p.gesture.name, default: 0] += 1
            bins[k].gestureCount += 1
        }
        // Confirmed-down time per bin, from the intervals between confirmed press and release.
        var downSince: Timestamp? = lane.initiallyPressed ? scale.from : nil
        func addDown(_ a: Timestamp, _ b: Timestamp) {
            let a = max(a, scale.from), b = min(b, scale.to)
            guard a < b else { return }
            for k in bins.indices where bins[k].to > a && bins[k].from < b {
                bins[k].pressedNanoseconds += min(b, bins[k].to).nanoseconds - max(a, bins[k].from).nanoseconds
            }
        }
        for b in lane.bursts {
            if b.resolvedAt > scale.to { break }
            switch b.outcome {
            case .pressed: downSince = b.resolvedAt
            case .released:
                if let s = downSince { addDown(s, b.resolvedAt) }
                downSince = nil
            case .glitch:
                if let k = bin(b.start) { bins[k].glitches += 1 }
            }
        }
        if let s = downSince { addDown(s, scale.to) }
        return bins
    }

    func draw(into svg: inout SVGWriter, top: Double) {
        let bins = bins()
        let totalEdges = bins.reduce(0) { $0 + $1.edges }
        let totalGestures = bins.reduce(0) { $0 + $1.gestureCount }
        var byName: [Gesture.Name: Int] = [:]
        for b in bins { for (k, v) in b.gestures { byName[k, default: 0] += v } }
        let t = lane.timing
        let names = Gesture.Name.allCases.filter { byName[$0] != nil }
                svg.open("text", ["x": "8", "y": n(top + 16), "font-size": "13"])
        svg.element("tspan", ["font-weight": "bold"], content: lane.button)
        svg.element("tspan", ["fill": PlotStyle.muted, "dx": "10"],
                    content: PlotText.timing(t) + " — in view: \(PlotText.grouped(totalEdges)) edges, \(PlotText.grouped(totalGestures)) gestures")
        svg.close("text")
        svg.element("text", ["x": "8", "y": n(top + 31), "font-size": "11", "fill": PlotStyle.muted],
                    content: "Summarised in \(Self.bins) bins of \(PlotText.duration(Span(nanoseconds: scale.span.nanoseconds / Int64(Self.bins)))) (too many bursts to draw one by one); each bin's tooltip has its exact counts. --from S --to S draws a window in detail.")

        let labels: [(String, Double)] = [("edges per bin", Self.densityTop + Self.densityHeight / 2),
                                         ("share of time down", Self.dutyTop + Self.dutyHeight / 2),
                                         ("gestures", Self.gesturesTop + Self.gesturesHeight / 2)]
        for (label, y) in labels {
            svg.element("text", ["x": n(PlotStyle.plotX - 8), "y": n(top + y + 4), "text-anchor": "end", "font-size": "11", "fill": PlotStyle.muted], content: label)
        }
        let binWidth = scale.width / Double(Self.bins)
        let maxEdges = max(1, bins.map(\.edges).max() ?? 1)
        let maxGestures = max(1, bins.map(\.gestureCount).max() ?? 1)
        svg.open("g", ["class": "summary"])
        for (i, b) in bins.enumerated() where b.edges > 0 || b.gestureCount > 0 || b.pressedNanoseconds > 0 {
            let x = scale.x0 + Double(i) * binWidth
            svg.open("g", ["class": "bin", "data-edges": String(b.edges), "data-gestures": String(b.gestureCount)])
            let detail = Gesture.Name.allCases.compactMap { name in b.gestures[name].map { "\($0) \(name.rawValue)" } }.joined(separator: ", ")
            svg.element("title", content: "\(PlotText.seconds(b.from, decimals: 3)) to \(PlotText.seconds(b.to, decimals: 3)) s: \(PlotText.grouped(b.edges)) edges, \(b.glitches) glitches, down \(percent(b.pressedNanoseconds, (b.to - b.from).nanoseconds)), gestures: \(detail.isEmpty ? "none" : detail)")
            if b.edges > 0 {
                // Square-root height: a bin with a few edges stays visible beside one with thousands.
                let h = max(2, Self.densityHeight * (Double(b.edges) / Double(maxEdges)).squareRoot())
                svg.element("rect", ["x": n(x + 1), "y": n(top + Self.densityTop + Self.densityHeight - h), "width": n(binWidth - 2), "height": n(h),
                                     "fill": PlotStyle.raw, "fill-opacity": "0.55"])
                svg.element("text", ["x": n(x + binWidth / 2), "y": n(top + Self.densityTop - 3), "font-size": "8", "text-anchor": "middle", "fill": PlotStyle.muted],
                            content: PlotText.count(b.edges))
            }
            let share = Double(b.pressedNanoseconds) / Double(max(1, (b.to - b.from).nanoseconds))
            if share > 0 {
                let h = max(1, Self.dutyHeight * share)
                svg.element("rect", ["x": n(x + 1), "y": n(top + Self.dutyTop + Self.dutyHeight - h), "width": n(binWidth - 2), "height": n(h), "fill": PlotStyle.level, "fill-opacity": "0.7"])
            }
            if b.glitches > 0 {
                svg.element("path", ["d": "M\(n(x + binWidth / 2)) \(n(top + Self.dutyTop - 1))l-3 -6h6z", "fill": PlotStyle.glitch])
            }
            if b.gestureCount > 0 {
                // Stacked by kind, in the order of Gesture.Name.
                var y = top + Self.gesturesTop + Self.gesturesHeight
                for name in Gesture.Name.allCases {
                    guard let c = b.gestures[name] else { continue }
                    let h = Self.gesturesHeight * Double(c) / Double(maxGestures)
                    y -= h
                    svg.element("rect", ["class": "gesture-bin", "data-gesture": name.rawValue, "data-count": String(c),
                                         "x": n(x + 1), "y": n(y), "width": n(binWidth - 2), "height": n(max(0.5, h)), "fill": Self.colour(name)])
                }
                svg.element("text", ["x": n(x + binWidth / 2), "y": n(top + Self.gesturesTop + Self.gesturesHeight + 10), "font-size": "8", "text-anchor": "middle", "fill": PlotStyle.muted],
                            content: PlotText.count(b.gestureCount))
            }
            svg.close("g")
        }
        svg.close("g")
        TimeAxis.draw(scale, into: &svg, y: top + Self.axisY, gridTop: top + Self.densityTop - 12)
        // The key to the gesture colours, for the kinds this lane has, and to the glitch flag.
        var x = scale.x0
        svg.element("path", ["d": "M\(n(x + 4)) \(n(top + Self.axisY + 31))l-4 -8h8z", "fill": PlotStyle.glitch])
        svg.element("text", ["x": n(x + 13), "y": n(top + Self.axisY + 30), "font-size": "10", "fill": PlotStyle.text], content: "glitches in the bin")
        x += 24 + PlotText.width("glitches in the bin", size: 10)
        for name in names {
            svg.element("rect", ["x": n(x), "y": n(top + Self.axisY + 22), "width": "9", "height": "9", "fill": Self.colour(name)])
            let text = "\(name.rawValue) \(PlotText.grouped(byName[name]!))"
            svg.element("text", ["x": n(x + 13), "y": n(top + Self.axisY + 30), "font-size": "10", "fill": PlotStyle.text], content: text)
            x += 24 + PlotText.width(text, size: 10)
        }
    }

    static func colour(_ name: Gesture.Name) -> String {
        switch name {
        case .single: "#c2185b"
        case .double: "#2a9d5c"
        case .triple: "#4f8fd6"
        case .quadruple: "#0f6e8c"
        case .quintuple: "#283593"
        case .long: "#7b3fbf"
        case .longRelease: "#b38cd9"
        case .longRepeat: "#f3a33a"
        }
    }

    private func percent(_ part: Int64, _ whole: Int64) -> String {
        guard whole > 0 else { return "0%" }
        // In Double: part * 100 could overflow Int64 for a window of decades.
        return "\(Int64((Double(part) / Double(whole) * 100).rounded()))%"
    }

    private func n(_ v: Double) -> String { PlotText.number(v) }
}

import Presses

/// One button drawn in full: raw edges, the debounced level with each burst shaded, the long
/// thresholds and multi-press windows, the gestures, and a magnified inset of each burst.
///
/// Why insets rather than an axis break: the main axis stays linear, so a 400 ms window or a
/// 1.5 s threshold looks as long as it is and "the second press began inside the window" can be
/// read off by eye. Bounce and glitches last a few milliseconds, under a pixel at that scale, so
/// each burst also gets a panel of its own scaled to the burst (a 2 ms glitch in a 2 s hold fills
/// a third of its panel), numbered like its mark on the main axis.
struct DetailLane {
    let lane: ObservedLane
    let scale: TimeScale
    let index: Int

    /// At most this many insets per lane; the rest are counted in a note.
    static let maxInsets = 6

    // Rows, from the lane's top.
    static let rawTop = 30.0, rawHeight = 24.0
    static let levelTop = 70.0, levelHeight = 28.0
    static let longY = 114.0, windowY = 134.0
    static let rulesBottom = 142.0
    static let gesturesTop = 158.0, gestureRowStep = 15.0, gestureRows = 3
    static let axisY = 208.0
    static let insetsTop = 240.0, insetHeight = 46.0
    static let height = 352.0

    func draw(into svg: inout SVGWriter, top: Double) {
        let clip = "lane\(index)"
        svg.open("defs")
        svg.open("clipPath", ["id": clip])
        svg.element("rect", ["x": n(scale.x0), "y": n(top), "width": n(scale.width), "height": n(Self.axisY)])
        svg.close("clipPath")
        svg.close("defs")

        header(into: &svg, top: top)
        rowLabels(into: &svg, top: top)
        svg.open("g", ["clip-path": "url(#\(clip))"])
        windows(into: &svg, top: top)
        bursts(into: &svg, top: top)
        rawEdges(into: &svg, top: top)
        level(into: &svg, top: top)
        longThresholds(into: &svg, top: top)
        gestures(into: &svg, top: top)
        svg.close("g")
        TimeAxis.draw(scale, into: &svg, y: top + Self.axisY, gridTop: top + Self.rawTop - 4)
        insets(into: &svg, top: top)
    }

    // MARK: - Header and labels

    private func header(into svg: inout SVGWriter, top: Double) {
        let t = lane.timing
        let visible = visibleBursts
        let glitches = visible.filter { $0.outcome == .glitch }.count
        let facts = PlotText.timing(t)
            + " — in view: \(PlotText.grouped(visibleEdgeCount)) edges, \(visible.count - glitches) changes, \(glitches) glitch\(glitches == 1 ? "" : "es"), \(visiblePresses.count) gesture\(visiblePresses.count == 1 ? "" : "s")"
        svg.open("text", ["x": "8", "y": n(top + 16), "font-size": "13"])
        svg.element("tspan", ["font-weight": "bold"], content: lane.button)
        svg.element("tspan", ["fill": PlotStyle.muted, "dx": "10"], content: facts)
        svg.close("text")
    }

    private func rowLabels(into svg: inout SVGWriter, top: Double) {
        let rows: [(String, Double)] = [
            ("raw edges", Self.rawTop + Self.rawHeight / 2), ("debounced", Self.levelTop + Self.levelHeight / 2),
            ("long threshold", Self.longY), ("multi-press window", Self.windowY), ("gestures", Self.gesturesTop),
        ]
        for (label, y) in rows {
            svg.element("text", ["x": n(PlotStyle.plotX - 8), "y": n(top + y + 4), "text-anchor": "end", "font-size": "11", "fill": PlotStyle.muted], content: label)
        }
    }

    // MARK: - What is in view

    private var visibleBursts: ArraySlice<ObservedBurst> {
        let lo = lane.bursts.partitioningIndex { $0.resolvedAt >= scale.from }
        let hi = lane.bursts.partitioningIndex { $0.start > scale.to }
        return lo < hi ? lane.bursts[lo..<hi] : []
    }

    private var visibleEdgeRange: Range<Int> {
        let lo = lane.edges.partitioningIndex { $0.time >= scale.from }
        let hi = lane.edges.partitioningIndex { $0.time > scale.to }
        return lo..<max(lo, hi)
    }

    private var visibleEdgeCount: Int { visibleEdgeRange.count }

    private var visiblePresses: [Press] {
        lane.presses.filter { scale.overlaps($0.pressedAt, $0.decidedAt) }
    }

    /// Number of a burst within the lane (from 1), as its mark and inset show it.
    private func burstNumber(_ i: Int) -> Int { i + 1 }

    // MARK: - Rows

    /// The multi-press window after each release that opened one, behind every row.
    private func windows(into svg: inout SVGWriter, top: Double) {
        svg.open("g", ["class": "windows"])
        for b in visibleBursts where b.outcome == .released {
            guard let end = b.deadline, scale.overlaps(b.start, end) else { continue }
            let x1 = scale.clampedX(b.start), x2 = scale.clampedX(end)
            svg.element("rect", ["class": "window", "x": n(x1), "y": n(top + Self.rawTop - 4), "width": n(max(0.5, x2 - x1)),
                                 "height": n(Self.rulesBottom - Self.rawTop + 4), "fill": PlotStyle.window, "fill-opacity": "0.12"])
            svg.element("line", ["x1": n(x1), "y1": n(top + Self.windowY), "x2": n(x2), "y2": n(top + Self.windowY),
                                 "stroke": PlotStyle.window, "stroke-width": "2"])
            svg.element("line", ["x1": n(x2), "y1": n(top + Self.rawTop - 4), "x2": n(x2), "y2": n(top + Self.rulesBottom),
                                 "stroke": PlotStyle.window, "stroke-width": "1", "stroke-dasharray": "3 2"])
            let long = "\(lane.timing.doubleWindow.text) window: a press starting here is the next click"
            let short = "\(lane.timing.doubleWindow.text) window"
            let text = PlotText.width(long, size: 10) < x2 - x1 - 8 ? long : short
            svg.element("text", ["x": n(x1 + 4), "y": n(top + Self.windowY - 4), "font-size": "10", "fill": PlotStyle.window], content: text)
        }
        svg.close("g")
    }

    /// Each burst shaded from its first edge to its confirmation, with its number.
    private func bursts(into svg: inout SVGWriter, top: Double) {
        svg.open("g", ["class": "bursts"])
        let base = visibleBursts.startIndex
        var numberEnd = -Double.infinity
        for (offset, b) in visibleBursts.enumerated() {
            let x1 = scale.clampedX(b.start), x2 = scale.clampedX(b.resolvedAt)
            let colour = switch b.outcome {
            case .pressed: PlotStyle.pressShade
            case .released: PlotStyle.releaseShade
            case .glitch: PlotStyle.glitch
            }
            let kind = switch b.outcome {
            case .pressed: "press"
            case .released: "release"
            case .glitch: "glitch"
            }
            svg.open("g", ["class": "burst", "data-kind": kind])
            svg.element("title", content: burstCaption(b, number: burstNumber(base + offset)))
            svg.element("rect", ["x": n(x1), "y": n(top + Self.levelTop - 2), "width": n(max(1.5, x2 - x1)), "height": n(Self.levelHeight + 4),
                                 "fill": colour, "fill-opacity": b.outcome == .glitch ? "0.45" : "0.35"])
            // A glitch is too short to see at this scale: a flag over it says where it is.
            if b.outcome == .glitch {
                svg.element("path", ["d": "M\(n(x1)) \(n(top + Self.rawTop - 2))l-4 -7h8z", "fill": PlotStyle.glitch])
            }
            // Numbers that would run into the previous one are left out; the tooltip still has it.
            let number = String(burstNumber(base + offset))
            let half = PlotText.width(number, size: 9) / 2
            if x1 - half > numberEnd + 2 {
                svg.element("text", ["x": n(x1), "y": n(top + Self.levelTop - 5), "font-size": "9", "fill": PlotStyle.muted, "text-anchor": "middle"],
                            content: number)
                numberEnd = x1 + half
            }
            svg.close("g")
        }
        svg.close("g")
    }

    private func rawEdges(into svg: inout SVGWriter, top: Double) {
        let range = visibleEdgeRange
        let before = range.lowerBound > 0 ? lane.edges[range.lowerBound - 1].pressed : lane.initiallyPressed
        var points: [(Timestamp, Bool)] = []
        points.reserveCapacity(range.count)
        for e in lane.edges[range] { points.append((e.time, e.pressed)) }
        svg.element("path", ["class": "raw", "d": stepPath(start: before, changes: points, top: top + Self.rawTop, height: Self.rawHeight),
                             "fill": "none", "stroke": PlotStyle.raw, "stroke-width": "1"])
    }

    private func level(into svg: inout SVGWriter, top: Double) {
        // The confirmed level changes when a burst resolves as a press or a release.
        let changes = lane.bursts.filter { $0.outcome != .glitch }
        let lo = changes.partitioningIndex { $0.resolvedAt >= scale.from }
        let before = lo > 0 ? changes[lo - 1].outcome == .pressed : lane.initiallyPressed
        var points: [(Timestamp, Bool)] = []
        for b in changes[lo...] {
            if b.resolvedAt > scale.to { break }
            points.append((b.resolvedAt, b.outcome == .pressed))
        }
        svg.element("path", ["class": "debounced", "d": stepPath(start: before, changes: points, top: top + Self.levelTop, height: Self.levelHeight),
                             "fill": "none", "stroke": PlotStyle.level, "stroke-width": "2.5"])
    }

    /// A step line: `start` at the left edge, then each change at its instant, to the right edge.
    private func stepPath(start: Bool, changes: [(Timestamp, Bool)], top: Double, height: Double) -> String {
        func y(_ pressed: Bool) -> String { n(pressed ? top : top + height) }
        var d = "M\(n(scale.x0 - 2)) \(y(start))"
        var current = start
        for (t, pressed) in changes where pressed != current {
            let x = n(scale.clampedX(t))
            d += "H\(x)V\(y(pressed))"
            current = pressed
        }
        d += "H\(n(scale.x0 + scale.width + 2))"
        return d
    }

    /// From each confirmed press to its long threshold: solid while it was held, dotted after its
    /// release (the threshold it did not reach), with the threshold itself marked.
    private func longThresholds(into svg: inout SVGWriter, top: Double) {
        svg.open("g", ["class": "long-thresholds"])
        let bursts = lane.bursts
        let y = top + Self.longY
        for (i, b) in bursts.enumerated() where b.outcome == .pressed {
            guard let threshold = b.deadline else { continue }
            let release = bursts[(i + 1)...].first { $0.outcome == .released }?.resolvedAt
            guard scale.overlaps(b.start, threshold) else { continue }
            let heldUntil = min(threshold, release ?? threshold)
            let x1 = scale.clampedX(b.start), xh = scale.clampedX(heldUntil), x2 = scale.clampedX(threshold)
            svg.element("line", ["x1": n(x1), "y1": n(y), "x2": n(xh), "y2": n(y), "stroke": PlotStyle.long, "stroke-width": "2"])
            if heldUntil < threshold {
                svg.element("line", ["x1": n(xh), "y1": n(y), "x2": n(x2), "y2": n(y), "stroke": PlotStyle.long, "stroke-width": "1", "stroke-dasharray": "2 3"])
            }
            if heldUntil < threshold {
                // Released first: a short tick where the threshold would have been.
                svg.element("line", ["x1": n(x2), "y1": n(y - 3), "x2": n(x2), "y2": n(y + 3), "stroke": PlotStyle.long, "stroke-width": "1"])
            } else if scale.contains(threshold) {
                svg.element("line", ["class": "long", "x1": n(x2), "y1": n(top + Self.rawTop - 4), "x2": n(x2), "y2": n(top + Self.rulesBottom),
                                     "stroke": PlotStyle.long, "stroke-width": "1", "stroke-dasharray": "5 3"])
                svg.element("text", ["x": n(x2 - 3), "y": n(y - 4), "font-size": "10", "fill": PlotStyle.long, "text-anchor": "end"],
                            content: "long \(lane.timing.long.text)")
            }
        }
        svg.close("g")
    }

    /// Each gesture: a marker at `decidedAt`, a line back to `pressedAt`, its name beside it, and
    /// a faint guide up through the rows so the decision lines up with what caused it.
    private func gestures(into svg: inout SVGWriter, top: Double) {
        var rowEnds = Array(repeating: -Double.infinity, count: Self.gestureRows)
        for p in visiblePresses {
            let xp = scale.clampedX(p.pressedAt), xd = scale.clampedX(p.decidedAt)
            // The first row free for the label with its reason, else for the name alone, else the
            // row freed first (labels may then touch).
            func place(_ label: String) -> (row: Int?, flip: Bool, right: Double) {
                let labelWidth = PlotText.width(label, size: 11) * 1.15  // bold runs wider
                // A label that would run off the right goes left of its marker instead.
                let flip = xd + 8 + labelWidth > scale.x0 + scale.width
                let left = flip ? min(xp, xd - 8 - labelWidth) : xp
                return (rowEnds.firstIndex { $0 < left - 4 }, flip, flip ? xd + 6 : xd + 8 + labelWidth)
            }
            let name = Self.label(p.gesture)
            var label = name + (reason(p).map { " · \($0)" } ?? "")
            var placed = place(label)
            if placed.row == nil, label != name {
                label = name
                placed = place(label)
            }
            let row = placed.row ?? rowEnds.indices.min { rowEnds[$0] < rowEnds[$1] }!
            let flip = placed.flip
            let labelWidth = PlotText.width(label, size: 11) * 1.15
            rowEnds[row] = placed.right
            let y = top + Self.gesturesTop + Double(row) * Self.gestureRowStep
            svg.open("g", ["class": "gesture", "data-gesture": p.gesture.name.rawValue, "data-button": p.button,
                           "data-pressed-at": p.pressedAt.description, "data-decided-at": p.decidedAt.description])
            svg.element("title", content: "\(p.gesture) \(p.button): pressed at \(p.pressedAt) s, decided at \(p.decidedAt) s (+\(PlotText.duration(p.decidedAt - p.pressedAt)))")
            // Down to the gestures' rows only: further, it would strike through other labels.
            svg.element("line", ["x1": n(xd), "y1": n(top + Self.rawTop - 4), "x2": n(xd), "y2": n(top + Self.rulesBottom), "stroke": PlotStyle.gesture, "stroke-width": "1",
                                 "stroke-opacity": "0.5", "stroke-dasharray": "1 2"])
            svg.element("line", ["x1": n(xp), "y1": n(y), "x2": n(xd), "y2": n(y), "stroke": PlotStyle.gesture, "stroke-width": "1.5"])
            svg.element("line", ["x1": n(xp), "y1": n(y - 4), "x2": n(xp), "y2": n(y + 4), "stroke": PlotStyle.gesture, "stroke-width": "1.5"])
            svg.element("path", ["d": "M\(n(xd)) \(n(y - 5))l5 5l-5 5l-5 -5z", "fill": PlotStyle.gesture])
            if flip {
                // Left of the marker the label sits on its own line: a white ground keeps it readable.
                svg.element("rect", ["x": n(xd - 10 - labelWidth), "y": n(y - 7), "width": n(labelWidth + 4), "height": "14", "fill": "#ffffff"])
            }
            svg.element("text", ["class": "gesture-label", "x": n(flip ? xd - 8 : xd + 8), "y": n(y + 4), "font-size": "11", "font-weight": "bold",
                                 "fill": PlotStyle.gesture, "text-anchor": flip ? "end" : "start",
                                 // A white halo keeps the label readable where a guide line crosses it.
                                 "stroke": "#ffffff", "stroke-width": "3", "paint-order": "stroke"], content: label)
            svg.close("g")
        }
    }

    /// Which of the detector's instants the decision fell on, found among the bursts drawn: the
    /// reason a reader looks for ("window closed" for a SINGLE). nil when none matches exactly.
    private func reason(_ p: Press) -> String? {
        let end = lane.bursts.partitioningIndex { $0.resolvedAt > p.decidedAt }
        for b in lane.bursts[max(0, end - 8)..<end].reversed() {
            if b.outcome == .released, b.resolvedAt == p.decidedAt {
                return p.gesture.count.map { "release \($0) confirmed" } ?? "release confirmed"
            }
            if b.outcome == .released, b.deadline == p.decidedAt { return "window closed" }
            if b.outcome == .pressed, b.deadline == p.decidedAt {
                return p.gesture == .long ? "held \(lane.timing.long.text)" : "held to long"
            }
        }
        return nil
    }

    static func label(_ gesture: Gesture) -> String {
        switch gesture {
        case .longRepeat(let count): "\(gesture.name.rawValue) \(count)"
        case .longRelease(let heldFor): "\(gesture.name.rawValue) \(PlotText.duration(heldFor))"
        default: gesture.name.rawValue
        }
    }

    // MARK: - Insets

    private func insets(into svg: inout SVGWriter, top: Double) {
        let shown = visibleBursts.prefix(Self.maxInsets)
        let y = top + Self.insetsTop
        guard !shown.isEmpty else {
            svg.element("text", ["x": n(PlotStyle.plotX), "y": n(y + 14), "font-size": "11", "fill": PlotStyle.muted], content: "no edges in view")
            return
        }
        svg.element("text", ["x": n(PlotStyle.plotX - 8), "y": n(y + 30), "text-anchor": "end", "font-size": "11", "fill": PlotStyle.muted], content: "each burst")
        svg.element("text", ["x": n(PlotStyle.plotX - 8), "y": n(y + 43), "text-anchor": "end", "font-size": "11", "fill": PlotStyle.muted], content: "magnified")
        let gap = 12.0
        let w = (scale.width - gap * Double(Self.maxInsets - 1)) / Double(Self.maxInsets)
        for (offset, b) in shown.enumerated() {
            let x = scale.x0 + Double(offset) * (w + gap)
            inset(b, number: burstNumber(shown.startIndex + offset), into: &svg, x: x, y: y, width: w)
        }
        let more = visibleBursts.count - shown.count
        if more > 0 {
            svg.element("text", ["x": n(scale.x0), "y": n(y + Self.insetHeight + 54), "font-size": "11", "fill": PlotStyle.muted],
                        content: "\(more) more burst\(more == 1 ? "" : "s") in view: narrow the window with --from and --to to magnify them")
        }
    }

    private func inset(_ b: ObservedBurst, number: Int, into svg: inout SVGWriter, x: Double, y: Double, width: Double) {
        // The burst with a quarter of the debounce (at least 0.5 ms) either side.
        let pad = max(lane.timing.debounce.nanoseconds / 4, 500_000)
        let from = Timestamp(nanoseconds: b.start.nanoseconds - pad)
        let to = Timestamp(nanoseconds: max(b.resolvedAt.nanoseconds, b.start.nanoseconds + 1_000_000) + pad)
        let s = TimeScale(from: from, to: to, x0: x, width: width)
        let colour = b.outcome == .pressed ? PlotStyle.pressShade : b.outcome == .released ? PlotStyle.releaseShade : PlotStyle.glitch
        let clip = "lane\(index)-inset\(number)"
        svg.open("g", ["class": "inset", "data-burst": String(number)])
        svg.open("defs")
        svg.open("clipPath", ["id": clip])
        svg.element("rect", ["x": n(x), "y": n(y), "width": n(width), "height": n(Self.insetHeight)])
        svg.close("clipPath")
        svg.close("defs")
        svg.element("rect", ["x": n(x), "y": n(y), "width": n(width), "height": n(Self.insetHeight), "fill": "#fafbfc", "stroke": PlotStyle.grid])
        svg.open("g", ["clip-path": "url(#\(clip))"])
        let x1 = s.x(b.start), x2 = s.x(b.resolvedAt)
        svg.element("rect", ["x": n(x1), "y": n(y), "width": n(max(1, x2 - x1)), "height": n(Self.insetHeight), "fill": colour, "fill-opacity": "0.25"])
        // The debounce the detector waited after the last edge.
        if !b.edges.isEmpty {
            let lastEdge = lane.edges[b.edges.upperBound - 1].time
            let xl = s.x(lastEdge)
            svg.element("line", ["x1": n(xl), "y1": n(y + Self.insetHeight - 4), "x2": n(x2), "y2": n(y + Self.insetHeight - 4),
                                 "stroke": colour, "stroke-width": "2"])
        }
        // Raw edges (thin) and the confirmed level (thick), pressed up.
        let rawTop = y + 6, rawH = 14.0, levelTop = y + 26, levelH = 12.0
        let before = b.edges.lowerBound > 0 ? lane.edges[b.edges.lowerBound - 1].pressed : lane.initiallyPressed
        var d = "M\(n(x - 2)) \(n(before ? rawTop : rawTop + rawH))"
        var current = before
        for i in b.edges where lane.edges[i].pressed != current {
            current = lane.edges[i].pressed
            d += "H\(n(s.x(lane.edges[i].time)))V\(n(current ? rawTop : rawTop + rawH))"
        }
        d += "H\(n(x + width + 2))"
        svg.element("path", ["d": d, "fill": "none", "stroke": PlotStyle.raw, "stroke-width": "1"])
        let old = b.outcome == .glitch ? before : b.outcome == .released
        let new = b.outcome == .glitch ? old : b.outcome == .pressed
        svg.element("path", ["d": "M\(n(x - 2)) \(n(old ? levelTop : levelTop + levelH))H\(n(x2))V\(n(new ? levelTop : levelTop + levelH))H\(n(x + width + 2))",
                             "fill": "none", "stroke": PlotStyle.level, "stroke-width": "2"])
        svg.close("g")
        // Scale: the panel's width in time.
        svg.element("text", ["x": n(x + width - 3), "y": n(y - 3), "font-size": "8", "fill": PlotStyle.muted, "text-anchor": "end"],
                    content: "\(PlotText.duration(to - from)) wide")
        svg.element("text", ["x": n(x), "y": n(y + Self.insetHeight + 13), "font-size": "10", "fill": PlotStyle.text], content: insetTitle(b, number: number))
        svg.element("text", ["x": n(x), "y": n(y + Self.insetHeight + 25), "font-size": "9", "fill": PlotStyle.muted], content: insetEdges(b))
        if let confirmed = insetConfirmation(b) {
            svg.element("text", ["x": n(x), "y": n(y + Self.insetHeight + 36), "font-size": "9", "fill": PlotStyle.muted], content: confirmed)
        }
        svg.close("g")
    }

    private func insetTitle(_ b: ObservedBurst, number: Int) -> String {
        let what = switch b.outcome {
        case .pressed: "press"
        case .released: "release"
        case .glitch: "glitch, ignored"
        }
        return "\(number) \(what) at \(PlotText.seconds(b.start, decimals: 4))"
    }

    private func insetEdges(_ b: ObservedBurst) -> String {
        let lastEdge = b.edges.isEmpty ? b.start : lane.edges[b.edges.upperBound - 1].time
        return b.edges.count == 1 ? "1 edge" : "\(b.edges.count) edges in \(PlotText.duration(lastEdge - b.start))"
    }

    private func insetConfirmation(_ b: ObservedBurst) -> String? {
        b.outcome == .glitch ? nil : "confirmed \(PlotText.duration(b.resolvedAt - b.start)) after"
    }

    private func burstCaption(_ b: ObservedBurst, number: Int) -> String {
        "\(number): \(insetTitle(b, number: number).dropFirst(String(number).count + 1)), \(insetEdges(b))\(insetConfirmation(b).map { ", \($0)" } ?? "")"
    }

    private func n(_ v: Double) -> String { PlotText.number(v) }
}

extension Collection {
    /// The first index whose element satisfies `predicate`, which must be false then true along
    /// the collection (a binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let mid = index(low, offsetBy: half)
            if predicate(self[mid]) {
                count = half
            } else {
                low = index(after: mid)
                count -= half + 1
            }
        }
        return low
    }
}

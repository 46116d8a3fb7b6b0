import Presses

/// The plot's time axis: a linear map from an interval of the trace's clock to pixels, and its
/// ticks on round multiples of 1, 2 or 5 × 10^k ns, labelled in seconds on the trace's clock.
struct TimeScale {
    let from: Timestamp
    let to: Timestamp
    let x0: Double
    let width: Double

    init(from: Timestamp, to: Timestamp, x0: Double, width: Double) {
        precondition(from < to, "an empty time range")
        self.from = from
        self.to = to
        self.x0 = x0
        self.width = width
    }

    var span: Span { to - from }

    func x(_ t: Timestamp) -> Double {
        x0 + Double(t.nanoseconds - from.nanoseconds) / Double(span.nanoseconds) * width
    }

    /// `x(t)`, held just outside the plot area, so shapes reaching past an edge stay drawable
    /// (the lane's clip path cuts them) and coordinates stay small.
    func clampedX(_ t: Timestamp) -> Double { min(max(x(t), x0 - 2), x0 + width + 2) }

    /// Pixels per nanosecond.
    var scale: Double { width / Double(span.nanoseconds) }

    func contains(_ t: Timestamp) -> Bool { from <= t && t <= to }

    /// Whether `[a, b]` meets the visible range.
    func overlaps(_ a: Timestamp, _ b: Timestamp) -> Bool { a <= to && b >= from }

    /// Ticks at least `minSpacing` pixels apart, and the decimals their labels need.
    func ticks(minSpacing: Double) -> (ticks: [Timestamp], decimals: Int) {
        let least = Double(span.nanoseconds) * minSpacing / width
        var step: Int64 = 1
        var exponent = 0
        search: while true {
            for m: Int64 in [1, 2, 5] where Double(m * step) >= least {
                step = m * step
                break search
            }
            if step > Int64.max / 100 { break }
            step *= 10
            exponent += 1
        }
        // Ticks on multiples of 10^exponent or 2·/5·10^exponent need 9 - exponent decimals.
        let decimals = max(0, 9 - exponent)
        var ticks: [Timestamp] = []
        var t = from.nanoseconds / step * step
        if t < from.nanoseconds { t += step }
        while t <= to.nanoseconds, ticks.count < 1_000 {
            ticks.append(Timestamp(nanoseconds: t))
            let (next, overflow) = t.addingReportingOverflow(step)
            if overflow { break }
            t = next
        }
        return (ticks, decimals)
    }
}

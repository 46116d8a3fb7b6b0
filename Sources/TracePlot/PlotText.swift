import Presses

/// Every number the plot writes, formatted with integer arithmetic only: coordinates to a tenth
/// of a pixel, times and durations exactly. No locale, no `Double.description`, so the bytes
/// depend on the input alone.
enum PlotText {
    /// A coordinate or length, rounded to 0.1: `12`, `12.3`, `-0.5`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let clamped = min(max(value, -1e9), 1e9)
        let tenths = Int64((clamped * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return m % 10 == 0 ? "\(sign)\(m / 10)" : "\(sign)\(m / 10).\(m % 10)"
    }

    /// An instant on the trace's clock in seconds with exactly `decimals` decimals (truncated,
    /// which is exact for tick positions on multiples of 10^(9-decimals) ns).
    static func seconds(_ t: Timestamp, decimals: Int) -> String {
        let full = t.description  // nine decimals, exact
        guard let dot = full.firstIndex(of: ".") else { return full }
        if decimals <= 0 { return String(full[..<dot]) }
        let end = full.index(dot, offsetBy: min(decimals, 9) + 1)
        return String(full[..<end])
    }

    /// A duration for people: `450us`, `3.1ms`, `1.52s`, `2m05s`.
    static func duration(_ span: Span) -> String {
        let ns = span.nanoseconds
        let sign = ns < 0 ? "-" : ""
        let m = ns.magnitude
        if m < 1_000_000 { return "\(sign)\((m + 500) / 1_000)us" }
        if m < 1_000_000_000 {
            let tenths = (m + 50_000) / 100_000
            return "\(sign)\(tenths / 10).\(tenths % 10)ms"
        }
        if m < 60_000_000_000 {
            let hundredths = (m + 5_000_000) / 10_000_000
            let frac = hundredths % 100
            return "\(sign)\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)s"
        }
        let s = (m + 500_000_000) / 1_000_000_000
        let rem = s % 60
        return "\(sign)\(s / 60)m\(rem < 10 ? "0" : "")\(rem)s"
    }

    /// A count short enough for a narrow bin: `999`, `1.2k`, `12k`, `1.2M`.
    static func count(_ n: Int) -> String {
        if n < 1_000 { return String(n) }
        if n < 10_000 { return "\(n / 1_000).\(n % 1_000 / 100)k" }
        if n < 1_000_000 { return "\(n / 1_000)k" }
        if n < 10_000_000 { return "\(n / 1_000_000).\(n % 1_000_000 / 100_000)M" }
        return "\(n / 1_000_000)M"
    }

    /// A count with thousands separators, for sentences: `1,000,000`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Rough width of `text` in the plot's sans-serif font, for placing labels apart.
    /// A lane's settings as its header states them; the gesture settings only when on.
    static func timing(_ t: PressTiming) -> String {
        var text = "debounce \(t.debounce.text) · long \(t.long.text) · window \(t.doubleWindow.text) · max presses \(t.maxPresses)"
        if t.longRelease { text += " · long release" }
        if t.repeat > .zero { text += " · repeat \(t.repeat.text)" }
        return text
    }

    static func width(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }
}

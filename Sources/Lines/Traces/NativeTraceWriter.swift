import Presses

/// Writes the native trace format (hardware/traces/README.md).
///
/// Use `document(_:)` for a whole trace, or, when recording live, `header(for:)` once and then
/// `line(for:)` per edge, appending each to the file as it comes.
public struct NativeTraceWriter: Sendable {
    public let buttons: [String]
    public let activeLow: Bool
    private let buttonBytes: [[UInt8]]

    /// `activeLow` says which level the edges' `pressed` maps to. Names that are not valid ids
    /// (blanks, `#`, `=`, a leading digit) are made valid; `buttons` holds the ids written.
    public init(buttons: [String], activeLow: Bool) {
        self.buttons = NativeTraceWriter.uniqueIDs(buttons)
        self.activeLow = activeLow
        self.buttonBytes = self.buttons.map { Array($0.utf8) }
    }

    public init(for trace: Trace) {
        self.init(buttons: trace.buttons, activeLow: trace.activeLow)
    }

    /// Turns any name into a valid native button id: blanks, `#` and `=` become `_`, and a
    /// leading digit gets a `line` prefix (gpiomon offsets like `17` become `line17`).
    public static func buttonID(_ name: String) -> String {
        var id = String(name.map { $0 == " " || $0 == "\t" || $0 == "#" || $0 == "=" || $0 == "\n" || $0 == "\r" ? "_" : $0 })
        if id.isEmpty { id = "button" }
        if let f = id.utf8.first, f &- 48 < 10 { id = "line" + id }
        return id
    }

    /// The header: version, source, polarity, buttons (with their initial level when held),
    /// timing and expectations.
    public func header(source: String?, initiallyPressed: [Bool] = [], timing: PressTiming? = nil,
                       expectations: [TraceExpectation] = [], expectsNoPresses: Bool = false,
                       comment: String? = nil) -> String {
        var out = ""
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { out += "# \(line)\n" }
        }
        out += "clickbridge-trace 1\n"
        if let source { out += "source \(source.replacingNewlines())\n" }
        out += "polarity \(activeLow ? "active-low" : "active-high")\n"
        for (i, b) in buttons.enumerated() {
            let held = i < initiallyPressed.count && initiallyPressed[i]
            out += held ? "button \(b) initial=\(activeLow ? 0 : 1)\n" : "button \(b)\n"
        }
        if let t = timing {
            out += "timing debounce=\(t.debounce.text) long=\(t.long.text) double-window=\(t.doubleWindow.text)"
            // The gesture settings only when set: a default trace reads as it always has.
            if t.maxPresses != PressTiming.default.maxPresses { out += " max-presses=\(t.maxPresses)" }
            if t.longRelease { out += " long-release=on" }
            if t.repeat != .zero { out += " repeat=\(t.repeat.text)" }
            out += "\n"
        }
        if expectsNoPresses { out += "expect none\n" }
        for e in expectations {
            out += e.expectLine + "\n"
        }
        return out
    }

    public func header(for trace: Trace, comment: String? = nil) -> String {
        header(source: trace.source, initiallyPressed: trace.initiallyPressed, timing: trace.timing,
               expectations: trace.expectations, expectsNoPresses: trace.expectsNoPresses, comment: comment)
    }

    /// One edge line: `SECONDS.NANOSECONDS BUTTON LEVEL`, the level electrical (1 high).
    public func line(for edge: SourceEdge) -> String {
        var bytes: [UInt8] = []
        append(edge, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one edge line to a byte buffer (the fast path for large traces).
    public func append(_ edge: SourceEdge, to out: inout [UInt8]) {
        let ns = edge.edge.time.nanoseconds
        let magnitude = ns.magnitude
        if ns < 0 { out.append(45) }
        appendDecimal(magnitude / 1_000_000_000, to: &out)
        out.append(46)
        var frac = magnitude % 1_000_000_000
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            for k in stride(from: 8, through: 0, by: -1) { d[k] = UInt8(frac % 10) + 48; frac /= 10 }
            out.append(contentsOf: d)
        }
        out.append(32)
        out.append(contentsOf: buttonBytes[edge.button])
        out.append(32)
        out.append(edge.edge.pressed != activeLow ? 49 : 48)
        out.append(10)
    }

    /// The whole trace as native text.
    public func document(_ trace: Trace, comment: String? = nil) -> [UInt8] {
        var out = Array(header(for: trace, comment: comment).utf8)
        out.reserveCapacity(out.count + trace.edges.count * 28)
        for e in trace.edges { append(e, to: &out) }
        return out
    }

    private func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(value) + 48); return }
        appendDecimal(value / 10, to: &out)
        out.append(UInt8(value % 10) + 48)
    }
}

extension NativeTraceWriter {
    /// The whole trace as native text, converting button names to valid ids when needed
    /// (expectations follow the renaming).
    public static func document(_ trace: Trace, comment: String? = nil) -> String {
        var t = trace
        let ids = uniqueIDs(trace.buttons)
        for i in t.expectations.indices {
            if let k = trace.buttons.firstIndex(of: t.expectations[i].button) { t.expectations[i].button = ids[k] }
        }
        t.buttons = ids
        return String(decoding: NativeTraceWriter(for: t).document(t, comment: comment), as: UTF8.self)
    }

    static func uniqueIDs(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.map { name in
            var id = buttonID(name)
            if id == name, !seen.contains(id) { seen.insert(id); return id }
            let base = id
            var n = 2
            while seen.contains(id) { id = "\(base)_\(n)"; n += 1 }
            seen.insert(id)
            return id
        }
    }
}

private extension String {
    func replacingNewlines() -> String { String(map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
}

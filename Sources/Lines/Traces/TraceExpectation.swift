import Presses

/// One press a trace says replay must produce, with the slack allowed on its times.
public struct TraceExpectation: Hashable, Sendable {
    public var clickType: ClickType
    public var button: String
    public var pressedAt: Timestamp
    public var decidedAt: Timestamp
    /// How far `pressedAt` and `decidedAt` may each be from the stated times.
    public var tolerance: Span
    /// The line of the trace file that states it, for messages.
    public var line: Int

    public static let defaultTolerance = Span.milliseconds(1)

    public init(clickType: ClickType, button: String, pressedAt: Timestamp, decidedAt: Timestamp,
                tolerance: Span = TraceExpectation.defaultTolerance, line: Int = 0) {
        self.clickType = clickType
        self.button = button
        self.pressedAt = pressedAt
        self.decidedAt = decidedAt
        self.tolerance = tolerance
        self.line = line
    }

    public func matches(_ press: Press) -> Bool {
        press.clickType == clickType && press.button == button
            && (press.pressedAt - pressedAt).nanoseconds.magnitude <= tolerance.nanoseconds.magnitude
            && (press.decidedAt - decidedAt).nanoseconds.magnitude <= tolerance.nanoseconds.magnitude
    }
}

extension Trace {
    /// Compares replayed presses with the trace's expectations, button by button in decision
    /// order. Returns one readable line per disagreement; empty means the trace checks out.
    public func mismatches(_ presses: [Press]) -> [String] {
        if expectsNoPresses {
            return presses.map { "expected no press, got \(TracePressText.line($0, digits: timestampDigits))" }
        }
        var problems: [String] = []
        // Grouped by button in one pass each (a trace may have very many buttons), in the order
        // the buttons first appear.
        var names: [String] = []
        var wanted: [String: [TraceExpectation]] = [:]
        var gotten: [String: [Press]] = [:]
        for e in expectations {
            if wanted[e.button] == nil && gotten[e.button] == nil { names.append(e.button) }
            wanted[e.button, default: []].append(e)
        }
        for p in presses {
            if wanted[p.button] == nil && gotten[p.button] == nil { names.append(p.button) }
            gotten[p.button, default: []].append(p)
        }
        for name in names {
            let want = wanted[name] ?? []
            let got = gotten[name] ?? []
            for i in 0..<max(want.count, got.count) {
                if i >= got.count {
                    let e = want[i]
                    problems.append("line \(e.line): expected \(e.clickType.rawValue) of \(name) pressed at \(e.pressedAt) decided at \(e.decidedAt), got nothing")
                } else if i >= want.count {
                    problems.append("unexpected \(TracePressText.line(got[i], digits: timestampDigits))")
                } else if !want[i].matches(got[i]) {
                    let e = want[i]
                    problems.append("line \(e.line): expected \(e.clickType.rawValue) of \(name) pressed at \(e.pressedAt) decided at \(e.decidedAt) (±\(e.tolerance.text)), got \(TracePressText.line(got[i], digits: timestampDigits))")
                }
            }
        }
        return problems
    }
}

import Presses

/// One press a trace says replay must produce, with the slack allowed on its times.
public struct TraceExpectation: Hashable, Sendable {
    /// The gesture with its count (multi-presses, LONG_REPEAT) and `heldFor` (LONG_RELEASE).
    public var gesture: Gesture
    public var button: String
    public var pressedAt: Timestamp
    public var decidedAt: Timestamp
    /// How far `pressedAt` and `decidedAt` may each be from the stated times.
    public var tolerance: Span
    /// The line of the trace file that states it, for messages.
    public var line: Int

    public static let defaultTolerance = Span.milliseconds(1)

    public init(gesture: Gesture, button: String, pressedAt: Timestamp, decidedAt: Timestamp,
                tolerance: Span = TraceExpectation.defaultTolerance, line: Int = 0) {
        self.gesture = gesture
        self.button = button
        self.pressedAt = pressedAt
        self.decidedAt = decidedAt
        self.tolerance = tolerance
        self.line = line
    }

    public init(clickType: ClickType, button: String, pressedAt: Timestamp, decidedAt: Timestamp,
                tolerance: Span = TraceExpectation.defaultTolerance, line: Int = 0) {
        self.init(gesture: Gesture(clickType), button: button, pressedAt: pressedAt, decidedAt: decidedAt,
                  tolerance: tolerance, line: line)
    }

    /// The 1-Click click type: nil for gestures other than SINGLE, DOUBLE and LONG.
    public var clickType: ClickType? { gesture.clickType }

    /// The same gesture and count, and times (and `heldFor`, a difference of two times) within
    /// `tolerance`.
    public func matches(_ press: Press) -> Bool {
        guard press.gesture.name == gesture.name, press.count == gesture.count, press.button == button,
              within(press.pressedAt - pressedAt), within(press.decidedAt - decidedAt) else { return false }
        guard let want = gesture.heldFor else { return true }
        return press.heldFor.map { within(Span(nanoseconds: $0.nanoseconds - want.nanoseconds)) } ?? false
    }

    private func within(_ difference: Span) -> Bool {
        difference.nanoseconds.magnitude <= tolerance.nanoseconds.magnitude
    }

    /// `DOUBLE`, `LONG_REPEAT count=2`, `LONG_RELEASE heldFor=2.200000000`, for messages.
    public var gestureText: String { gesture.name.rawValue + fieldsText }

    /// The fields only some gestures need on an expect line, after its times: ` count=N` for
    /// LONG_REPEAT, ` heldFor=SECONDS` for LONG_RELEASE (a multi-press's count is its name).
    public var fieldsText: String {
        switch gesture {
        case .longRepeat(let count): " count=\(count)"
        case .longRelease(let heldFor): " heldFor=\(TracePressText.seconds(Timestamp(nanoseconds: heldFor.nanoseconds)))"
        default: ""
        }
    }

    /// The whole `expect` line, without its newline.
    public var expectLine: String {
        var out = "expect \(gesture.name.rawValue) \(button) pressedAt=\(pressedAt) decidedAt=\(decidedAt)\(fieldsText)"
        if tolerance != TraceExpectation.defaultTolerance { out += " tolerance=\(tolerance.text)" }
        return out
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
                    problems.append("line \(e.line): expected \(e.gestureText) of \(name) pressed at \(e.pressedAt) decided at \(e.decidedAt), got nothing")
                } else if i >= want.count {
                    problems.append("unexpected \(TracePressText.line(got[i], digits: timestampDigits))")
                } else if !want[i].matches(got[i]) {
                    let e = want[i]
                    problems.append("line \(e.line): expected \(e.gestureText) of \(name) pressed at \(e.pressedAt) decided at \(e.decidedAt) (±\(e.tolerance.text)), got \(TracePressText.line(got[i], digits: timestampDigits))")
                }
            }
        }
        return problems
    }
}

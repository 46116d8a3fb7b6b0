import Presses

/// The header and expectation lines of the native format, which gpiomon and evemu traces may
/// also carry in `#@clickbridge …` comment lines (hardware/traces/README.md):
///
///     clickbridge-trace 1
///     source gpio gpiochip0 GPIO17
///     polarity active-low
///     button GPIO17 initial=1
///     timing debounce=20ms long=1.5s double-window=400ms max-presses=3 long-release=on repeat=500ms
///     expect DOUBLE GPIO17 pressedAt=5.000000000 decidedAt=5.402000000 count=2 tolerance=2ms
///     expect LONG_RELEASE GPIO17 pressedAt=9.000000000 decidedAt=11.220000000 heldFor=2.200000000
///     expect none
struct TraceDirectives {
    enum Allowed { case native, gpiomon, evemu }

    let allowed: Allowed
    var sawVersion = false
    var source: String?
    var activeLow: Bool?
    var timing: PressTiming?
    /// The line of the last `timing` directive, for errors about the timing as a whole.
    var timingLine = 1
    var expectations: [TraceExpectation] = []
    var expectsNone = false
    /// Native only: declared buttons and their initial electrical level.
    var buttons: [String] = []
    var buttonBytes: [[UInt8]] = []
    /// Each declared id's index: traces with many buttons read in linear time.
    var buttonIndex: [String: Int] = [:]
    var initialLevels: [UInt8?] = []

    init(_ allowed: Allowed) { self.allowed = allowed }

    static let prefix: StaticString = "#@clickbridge"

    /// Parses one directive; the scanner stands at its keyword. `edgesSeen` rejects a polarity
    /// that would come too late to apply.
    mutating func parse(_ s: inout LineScanner, edgesSeen: Bool) throws(TraceError) {
        let keywordRange = s.token()
        let keyword = s.text(keywordRange)
        switch keyword {
        case "clickbridge-trace":
            guard allowed == .native else { throw s.fail("'clickbridge-trace' belongs in a native trace, not in a \(allowed) comment") }
            try s.blanks("the format version 1 after 'clickbridge-trace'")
            let v = try s.unsigned("the format version")
            guard v == 1 else { throw s.fail("unsupported native trace version \(v); this ClickBridge reads version 1") }
            try s.endOfLine("the version")
            sawVersion = true
        case "source":
            s.skipBlanks()
            var text = s.rest
            if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
            while text.last == " " || text.last == "\t" { text.removeLast() }
            guard !text.isEmpty else { throw s.fail("expected a description after 'source', like 'gpio gpiochip0 GPIO17'") }
            source = text
        case "polarity":
            guard allowed != .evemu else { throw s.fail("'polarity' does not apply to evemu traces: key value 1 is always a press") }
            guard !edgesSeen else { throw s.fail("'polarity' must come before the first edge") }
            try s.blanks("'active-low' or 'active-high' after 'polarity'")
            let r = s.token()
            switch s.text(r) {
            case "active-low": activeLow = true
            case "active-high": activeLow = false
            default: s.index = r.lowerBound; throw s.fail("expected 'active-low' or 'active-high'\(s.found)")
            }
            try s.endOfLine("the polarity")
        case "button":
            guard allowed == .native else { throw s.fail("'button' lines belong in native traces; gpiomon and evemu name their buttons themselves") }
            try s.blanks("a button id after 'button'")
            let r = s.token()
            let name = s.text(r)
            guard !name.isEmpty, !name.contains("#"), !name.contains("=") else { throw s.fail("expected a button id (no blanks, '#' or '=') after 'button'") }
            if !name.isEmpty, name.utf8.first! &- 48 < 10 {
                throw s.fail("a button id must not start with a digit ('\(name)'), since edge lines do; try 'line\(name)'")
            }
            guard buttonIndex[name] == nil else { throw s.fail("button '\(name)' is declared twice") }
            var initial: UInt8? = nil
            s.skipBlanks()
            if s.take("initial=") {
                let v = try s.unsigned("the initial level 0 or 1", max: 1)
                initial = UInt8(v)
            }
            try s.endOfLine("the button")
            buttonIndex[name] = buttons.count
            buttons.append(name)
            buttonBytes.append(Array(name.utf8))
            initialLevels.append(initial)
        case "timing":
            var t = timing ?? .default
            s.skipBlanks()
            if s.onlyCommentRemains { throw s.fail("expected \(Self.timingNames) after 'timing'") }
            while !s.onlyCommentRemains {
                let r = s.token()
                let item = s.text(r)
                guard let eq = item.firstIndex(of: "=") else { s.index = r.lowerBound; throw s.fail("expected name=value, like debounce=20ms\(s.found)") }
                let name = item[..<eq]
                let value = item[item.index(after: eq)...]
                switch name {
                case "debounce", "long", "double-window", "repeat":
                    let span: Span
                    do { span = try Span(parsing: value) } catch { throw s.fail("\(error.description) for \(name)") }
                    guard span <= TraceLimits.maxDuration else { throw s.fail("\(name) must be at most 24h") }
                    switch name {
                    case "debounce": t.debounce = span
                    case "long": t.long = span
                    case "double-window": t.doubleWindow = span
                    default:
                        t.repeat = span
                        if span != .zero && span < PressTiming.shortestRepeat { throw s.fail("repeat=\(value): must be 0 (off) or at least \(PressTiming.shortestRepeat.text)") }
                    }
                case "max-presses":
                    let range = PressTiming.maxPressesRange
                    guard let n = Int(value), range.contains(n) else {
                        throw s.fail("max-presses=\(value): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                    }
                    t.maxPresses = n
                case "long-release":
                    switch value {
                    case "on": t.longRelease = true
                    case "off": t.longRelease = false
                    default: throw s.fail("long-release=\(value): must be on or off")
                    }
                default:
                    s.index = r.lowerBound
                    throw s.fail("expected \(Self.timingNames)\(s.found)")
                }
                s.skipBlanks()
            }
            timing = t
            timingLine = s.line
        case "expect":
            try s.blanks("a gesture (\(Self.gestureNames)) or 'none' after 'expect'")
            let r = s.token()
            let word = s.text(r)
            if word == "none" {
                try s.endOfLine("'none'")
                expectsNone = true
                return
            }
            guard let name = Gesture.Name(rawValue: word) else {
                s.index = r.lowerBound
                throw s.fail("expected a gesture (\(Self.gestureNames)) or 'none' after 'expect'\(s.found)")
            }
            try s.blanks("a button after the gesture")
            let b = s.token()
            let button = s.text(b)
            var pressedAt: Int64?
            var decidedAt: Int64?
            var count: Int?
            var heldFor: Int64?
            var tolerance = TraceExpectation.defaultTolerance
            s.skipBlanks()
            while !s.onlyCommentRemains {
                if s.take("pressedAt=") { pressedAt = try s.seconds("pressedAt") }
                else if s.take("decidedAt=") { decidedAt = try s.seconds("decidedAt") }
                else if s.take("count=") { count = Int(try s.unsigned("count", max: 1_000_000_000)) }
                else if s.take("heldFor=") { heldFor = try s.seconds("heldFor") }
                else if s.take("tolerance=") {
                    let r = s.token()
                    do { tolerance = try Span(parsing: s.text(r)) } catch { throw s.fail("\(error.description) for tolerance") }
                    guard tolerance <= TraceLimits.maxDuration else { throw s.fail("tolerance must be at most 24h") }
                } else { throw s.fail("expected pressedAt=, decidedAt=, count=, heldFor= or tolerance=\(s.found)") }
                guard s.atEnd || s.peek == 32 || s.peek == 9 || s.peek == 35 else { throw s.fail("expected a blank between fields\(s.found)") }
                s.skipBlanks()
            }
            guard let p = pressedAt, let d = decidedAt else {
                throw s.fail("an expectation needs both pressedAt=SECONDS and decidedAt=SECONDS")
            }
            let gesture = try Self.gesture(name, count: count, heldFor: heldFor, &s)
            expectations.append(TraceExpectation(gesture: gesture, button: button, pressedAt: Timestamp(nanoseconds: p),
                                                  decidedAt: Timestamp(nanoseconds: d), tolerance: tolerance, line: s.line))
        default:
            s.index = keywordRange.lowerBound
            switch allowed {
            case .native:
                throw s.fail("expected an edge 'SECONDS BUTTON LEVEL' or one of clickbridge-trace, source, polarity, button, timing, expect\(s.found)")
            case .gpiomon, .evemu:
                throw s.fail("expected source, polarity, timing or expect after '#@clickbridge'\(s.found)")
            }
        }
    }

    static let timingNames = "debounce=, long=, double-window=, max-presses=, long-release= or repeat="
    static let gestureNames = Gesture.Name.allCases.map(\.rawValue).joined(separator: ", ")

    /// The gesture an expect line names, with the fields only some gestures have: LONG_REPEAT
    /// needs its `count`, LONG_RELEASE its `heldFor`; a multi-press may restate its count.
    /// Anything else is refused, so a line never says more than the comparison checks.
    static func gesture(_ name: Gesture.Name, count: Int?, heldFor: Int64?, _ s: inout LineScanner) throws(TraceError) -> Gesture {
        switch name {
        case .longRepeat:
            guard heldFor == nil else { throw s.fail("heldFor= belongs to LONG_RELEASE, not LONG_REPEAT") }
            guard let count, count >= 1 else { throw s.fail("LONG_REPEAT needs count=N (1 for the first repeat)") }
            return .longRepeat(count: count)
        case .longRelease:
            guard count == nil else { throw s.fail("count= belongs to multi-presses and LONG_REPEAT, not LONG_RELEASE") }
            guard let heldFor else { throw s.fail("LONG_RELEASE needs heldFor=SECONDS (release time minus press time)") }
            return .longRelease(heldFor: Span(nanoseconds: heldFor))
        case .single, .double, .triple, .quadruple, .quintuple, .long:
            guard heldFor == nil else { throw s.fail("heldFor= belongs to LONG_RELEASE, not \(name.rawValue)") }
            let gesture = Gesture(name)
            if let count, count != gesture.count {
                throw s.fail(gesture.count.map { "\(name.rawValue) has count=\($0), not \(count)" } ?? "count= does not apply to \(name.rawValue)")
            }
            return gesture
        }
    }

    /// Fails if both an expectation and `expect none` were given.
    func validate(lastLine: Int) throws(TraceError) {
        if expectsNone, let e = expectations.first {
            throw TraceError(line: e.line, "this trace says 'expect none' and also expects a press")
        }
    }
}

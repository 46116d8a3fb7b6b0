import Presses

/// Imports `gpiomon` output, as printed by default by libgpiod 1.6 and 2.x:
///
///     event: FALLING EDGE offset: 17 timestamp: [    1234.567890123]      (1.6)
///     event:  RISING EDGE offset: 17 timestamp: [    1234.617890123]
///     10002.907638045<TAB>falling<TAB>"GPIO17"                             (2.x, named line)
///     10002.907638045<TAB>falling<TAB>gpiochip0 17 "GPIO17"                (2.x, -c CHIP)
///     10002.907638045<TAB>falling<TAB>gpiochip0 17                         (2.x, unnamed line)
///     10002.907638045<TAB>falling<TAB>17                                   (2.x, no chip name)
///     2024-05-01T10:00:00.123456789Z<TAB>rising<TAB>"GPIO17"               (2.x, --utc/realtime)
///
/// Also `--unquoted` names, and blanks instead of tabs (terminal copy-paste). The button is
/// the line name, else `CHIP:OFFSET`, else the offset. A rising edge is a press unless the
/// line is active-low (a `#@clickbridge polarity active-low` line); `polarity` overrides either.
/// `#` lines are comments; `#@clickbridge` lines carry header directives and expectations.
enum GpiomonImporter {
    static func read(_ buffer: UnsafeBufferPointer<UInt8>, activeLow forced: Bool?) throws(TraceError) -> Trace {
        var lines = ByteLines(buffer)
        var d = TraceDirectives(.gpiomon)
        var buttons = ButtonTable()
        var edges: [SourceEdge] = []
        edges.reserveCapacity(buffer.count / 40)
        var lastTime: Int64 = .min
        var activeLow = forced ?? false
        while var s = lines.next() {
            s.skipBlanks()
            if s.atEnd { continue }
            if s.peek == 35 {
                if s.take(TraceDirectives.prefix) {
                    try s.blanks("a directive after '#@clickbridge'")
                    try d.parse(&s, edgesSeen: !edges.isEmpty)
                    activeLow = forced ?? d.activeLow ?? false
                }
                continue
            }
            let time: Int64
            let rising: Bool
            let button: Int
            if s.take("event:") {
                // libgpiod 1.6: "event: %s offset: %u timestamp: [%8ld.%09ld]"
                s.skipBlanks()
                if s.take("RISING") { rising = true } else if s.take("FALLING") { rising = false } else {
                    throw s.fail("expected RISING or FALLING after 'event:'\(s.found)")
                }
                try s.blanks("'EDGE'")
                try s.expect("EDGE", "'EDGE'")
                try s.blanks("'offset:'")
                try s.expect("offset:", "'offset:'")
                s.skipBlanks()
                let offsetStart = s.index
                _ = try s.unsigned("the line offset", max: UInt64(UInt32.max))
                let offsetRange = offsetStart..<s.index
                try s.blanks("'timestamp:'")
                try s.expect("timestamp:", "'timestamp:'")
                s.skipBlanks()
                try s.expect("[", "'[' before the timestamp")
                s.skipBlanks()
                time = try s.seconds("the timestamp")
                s.skipBlanks()
                try s.expect("]", "']' after the timestamp")
                try s.endOfLine("the timestamp")
                button = buttons.index(s, offsetRange) { s.text(offsetRange) }
            } else if s.peek &- 48 < 10 {
                // libgpiod 2.x: time, tab, rising|falling, tab, line id.
                time = try isoOrSeconds(&s)
                try s.blanks("a tab and 'rising' or 'falling' after the time")
                if s.take("rising") { rising = true } else if s.take("falling") { rising = false } else {
                    throw s.fail("expected 'rising' or 'falling'\(s.found)")
                }
                try s.blanks("a tab and the line after the edge")
                button = try lineID(&s, &buttons)
            } else if s.take("Monitoring line") {
                continue // the 2.x --banner line
            } else {
                throw s.fail("expected a gpiomon event line ('event: … EDGE offset: … timestamp: […]' from libgpiod 1.6, or 'SECONDS<TAB>rising|falling<TAB>LINE' from 2.x)\(s.found)")
            }
            guard time >= lastTime else {
                throw s.fail("timestamp \(formatSeconds(time)) is earlier than the previous event's \(formatSeconds(lastTime)); events must be in time order")
            }
            lastTime = time
            edges.append(SourceEdge(button: button, edge: Edge(time: Timestamp(nanoseconds: time), pressed: rising != activeLow)))
        }
        try d.validate(lastLine: lines.number)
        if let why = TraceLimits.repeatProblem(d.timing, first: edges.first?.edge.time, last: edges.last?.edge.time) {
            throw TraceError(line: d.timingLine, why)
        }
        if edges.isEmpty && !d.expectsNone {
            throw TraceError(line: max(1, lines.number), "expected at least one gpiomon event line; the file has none")
        }
        return Trace(buttons: buttons.names, edges: edges, source: d.source ?? "gpiomon", activeLow: activeLow,
                     statedActiveLow: d.activeLow ?? false,
                     timing: d.timing, expectations: d.expectations, expectsNoPresses: d.expectsNone,
                     format: .gpiomon, timestampDigits: 9)
    }

    /// The 2.x line id, after the edge word, to the end of the line.
    private static func lineID(_ s: inout LineScanner, _ buttons: inout ButtonTable) throws(TraceError) -> Int {
        var end = s.end
        while end > s.index, s.base[end - 1] == 32 || s.base[end - 1] == 9 { end -= 1 }
        guard end > s.index else { throw s.fail("expected the line (\"NAME\", CHIP OFFSET or OFFSET) after the edge") }
        let whole = s.index..<end
        // Fast path: the same id as a previous line.
        if let b = buttons.lookup(s, whole) { return b }
        // Tokens: [chip offset] name | chip offset | offset
        var t = s
        let first = t.token()
        t.skipBlanks()
        let second = t.token()
        t.skipBlanks()
        let base = s.base
        func isDigits(_ r: Range<Int>) -> Bool { !r.isEmpty && r.allSatisfy { base[$0] &- 48 < 10 } }
        var name: String
        if s.base[s.index] == 34 {
            name = try quoted(s, whole)
        } else if !second.isEmpty, isDigits(second) {
            if t.index >= end {
                name = s.text(first) + ":" + s.text(second) // unnamed line: "gpiochip0 17"
            } else {
                let rest = t.index..<end
                name = s.base[t.index] == 34 ? try quoted(s, rest) : s.text(rest) // "gpiochip0 17 "GPIO17""
            }
        } else {
            name = s.text(whole) // a bare offset, or an --unquoted name
        }
        if name.isEmpty { throw s.fail("the line name is empty") }
        return buttons.insert(s, whole, name)
    }

    private static func quoted(_ s: LineScanner, _ r: Range<Int>) throws(TraceError) -> String {
        guard r.count >= 2, s.base[r.upperBound - 1] == 34 else {
            throw s.fail("expected a closing '\"' at the end of the line name")
        }
        return s.text(r.lowerBound + 1..<r.upperBound - 1)
    }

    /// `SECONDS.NANOSECONDS`, or `YYYY-MM-DDTHH:MM:SS.NANOSECONDS[Z]` (--utc, --localtime,
    /// realtime clock), as nanoseconds since the Unix epoch for the latter.
    private static func isoOrSeconds(_ s: inout LineScanner) throws(TraceError) -> Int64 {
        var probe = s
        _ = try? probe.unsigned("year")
        guard probe.index - s.index == 4, probe.peek == 45 else { return try s.seconds("the timestamp") }
        let year = Int64(try s.unsigned("the year", max: 9999))
        try s.expect("-", "'-' in the date")
        let month = Int64(try s.unsigned("the month", max: 12))
        try s.expect("-", "'-' in the date")
        let day = Int64(try s.unsigned("the day", max: 31))
        try s.expect("T", "'T' between date and time")
        let hour = Int64(try s.unsigned("the hour", max: 23))
        try s.expect(":", "':' in the time")
        let minute = Int64(try s.unsigned("the minutes", max: 59))
        try s.expect(":", "':' in the time")
        let secondsNs = try s.seconds("the seconds")
        _ = s.take("Z")
        guard month >= 1, day >= 1, secondsNs < 61_000_000_000 else { throw s.fail("the date or time is out of range") }
        let days = daysFromCivil(year, month, day)
        guard days >= 0 else { throw s.fail("dates before 1970 are not supported") }
        return ((days * 24 + hour) * 60 + minute) * 60 * 1_000_000_000 + secondsNs
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    private static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// Buttons of an imported trace, found by the bytes that identified them on their line, so a
/// repeated id costs a byte comparison rather than a String. Two spellings may name one button
/// (e.g. `"GPIO17"` and `gpiochip0 17 "GPIO17"`).
struct ButtonTable {
    private(set) var names: [String] = []
    /// Dictionaries, so a file with many line ids reads in linear time.
    private var entries: [[UInt8]: Int] = [:]
    private var byName: [String: Int] = [:]
    private var last: (key: [UInt8], button: Int)?

    mutating func lookup(_ s: LineScanner, _ r: Range<Int>) -> Int? {
        if let last, s.equals(r, last.key) { return last.button }
        let key = Array(UnsafeBufferPointer(start: s.base + r.lowerBound, count: r.count))
        guard let b = entries[key] else { return nil }
        last = (key, b)
        return b
    }

    /// The index for the id bytes `r`; the name is made only for a new id.
    mutating func index(_ s: LineScanner, _ r: Range<Int>, name: () -> String) -> Int {
        if let b = lookup(s, r) { return b }
        return insert(s, r, name())
    }

    mutating func insert(_ s: LineScanner, _ r: Range<Int>, _ name: String) -> Int {
        let b = add(name)
        let key = Array(UnsafeBufferPointer(start: s.base + r.lowerBound, count: r.count))
        entries[key] = b
        last = (key, b)
        return b
    }

    /// The index of a button by name, adding it if new.
    mutating func add(_ name: String) -> Int {
        if let b = byName[name] { return b }
        byName[name] = names.count
        names.append(name)
        return names.count - 1
    }
}

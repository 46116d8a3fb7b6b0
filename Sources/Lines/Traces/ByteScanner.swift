import Presses

/// Byte-level scanning shared by the trace parsers.
///
/// Traces can hold millions of edges, so the parsers walk raw bytes: no `String` per line, no
/// `split`, no regular expressions. Every failure becomes a `TraceError` naming the line.
struct ByteLines {
    let base: UnsafePointer<UInt8>
    let count: Int
    private(set) var position = 0
    private(set) var number = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no address; any non-nil pointer does, since a count of 0
        // means it is never read.
        self.base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.count = buffer.count
    }

    /// The next line without its `\n` (and `\r`), or nil at the end of the buffer.
    mutating func next() -> LineScanner? {
        guard position < count else { return nil }
        let start = position
        var end: Int
        if let hit = memchrNewline(base + start, count - start) {
            end = start + hit
            position = end + 1
        } else {
            end = count
            position = count
        }
        number += 1
        if end > start, base[end - 1] == 13 { end -= 1 }
        return LineScanner(base: base, index: start, end: end, line: number)
    }

    @inline(__always)
    private func memchrNewline(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            if p[i] == 10 { return i }
            i += 1
        }
        return nil
    }
}

/// Bounds that keep the detector's arithmetic (a time plus a duration) far from overflow.
public enum TraceLimits {
    /// The largest timestamp a trace may hold: 2^62 - 1 ns, about 146 years, so kernel
    /// monotonic and realtime (Unix epoch) clocks both fit.
    public static let maxTimestamp: Int64 = (1 << 62) - 1
    public static let maxTimestampText = "4611686018.427387903"
    /// The longest debounce, long threshold or double window: one day.
    public static let maxDuration = Span(nanoseconds: 86_400_000_000_000)
    /// The most LONG_REPEATs one replay may have to make (its edges' span over `repeat`): a
    /// million lines of output, where a repeat of 10 ms over a long recording would otherwise
    /// make billions and exhaust memory.
    public static let maxRepeats: Int64 = 1_000_000

    /// Why replaying edges spanning `first`...`last` with `timing` is refused, if it is.
    public static func repeatProblem(_ timing: PressTiming?, first: Timestamp?, last: Timestamp?) -> String? {
        guard let timing, timing.repeat > .zero, let first, let last else { return nil }
        let span = last.nanoseconds - first.nanoseconds
        guard span / timing.repeat.nanoseconds > maxRepeats else { return nil }
        return "repeat=\(timing.repeat.text) over edges spanning \(Span(nanoseconds: span).text) could make more than \(maxRepeats) LONG_REPEATs; use a longer repeat, or cut the trace"
    }
}

/// A cursor over one line's bytes.
struct LineScanner {
    let base: UnsafePointer<UInt8>
    var index: Int
    let end: Int
    let line: Int

    var atEnd: Bool { index >= end }
    var peek: UInt8 { index < end ? base[index] : 0 }

    func fail(_ message: String) -> TraceError { TraceError(line: line, message) }

    /// The rest of the line as text, for messages and free-text fields.
    var rest: String { String(decoding: UnsafeBufferPointer(start: base + index, count: max(0, end - index)), as: UTF8.self) }

    /// True for a line that is empty or only blanks.
    var isBlank: Bool {
        var i = index
        while i < end { if base[i] != 32 && base[i] != 9 { return false }; i += 1 }
        return true
    }

    @inline(__always) mutating func skipBlanks() {
        while index < end, base[index] == 32 || base[index] == 9 { index += 1 }
    }

    /// Requires at least one blank, then skips all of them.
    @inline(__always) mutating func blanks(_ what: @autoclosure () -> String) throws(TraceError) {
        guard index < end, base[index] == 32 || base[index] == 9 else { throw fail("expected \(what())") }
        skipBlanks()
    }

    /// Consumes `literal` if the line continues with it.
    @inline(__always) mutating func take(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end - index >= n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where base[index + k] != p[k] { return false }
        index += n
        return true
    }

    mutating func expect(_ literal: StaticString, _ what: @autoclosure () -> String) throws(TraceError) {
        guard take(literal) else { throw fail("expected \(what())\(found)") }
    }

    /// ", found 'xyz'" describing what is at the cursor, for messages.
    var found: String {
        if index >= end { return ", found the end of the line" }
        var stop = index
        while stop < end, stop - index < 24, base[stop] != 32, base[stop] != 9 { stop += 1 }
        if stop == index { stop = index + 1 }
        let text = String(decoding: UnsafeBufferPointer(start: base + index, count: stop - index), as: UTF8.self)
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value != 127 }
        return printable ? ", found '\(text)'" : ", found binary data"
    }

    /// A run of non-blank bytes (may be empty).
    @inline(__always) mutating func token() -> Range<Int> {
        let start = index
        while index < end, base[index] != 32, base[index] != 9 { index += 1 }
        return start..<index
    }

    func text(_ r: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: base + r.lowerBound, count: r.count), as: UTF8.self)
    }

    func equals(_ r: Range<Int>, _ bytes: [UInt8]) -> Bool {
        guard r.count == bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            var k = 0
            while k < b.count { if base[r.lowerBound + k] != b[k] { return false }; k += 1 }
            return true
        }
    }

    /// An unsigned decimal integer.
    mutating func unsigned(_ what: @autoclosure () -> String, max: UInt64 = UInt64(Int64.max)) throws(TraceError) -> UInt64 {
        let start = index
        var v: UInt64 = 0
        while index < end, base[index] &- 48 < 10 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(base[index] &- 48))
            if o1 || o2 || a > max { throw fail("\(what()) is too large") }
            v = a
            index += 1
        }
        if index == start { throw fail("expected \(what())\(found)") }
        return v
    }

    /// A hexadecimal integer (no prefix), as evemu writes types and codes.
    mutating func hex(_ what: @autoclosure () -> String) throws(TraceError) -> UInt32 {
        let start = index
        var v: UInt32 = 0
        while index < end {
            let c = base[index]
            let d: UInt8
            if c &- 48 < 10 { d = c &- 48 }
            else if c &- 97 < 6 { d = c &- 97 &+ 10 }
            else if c &- 65 < 6 { d = c &- 65 &+ 10 }
            else { break }
            if index - start >= 8 { throw fail("\(what()) is too large") }
            v = v << 4 | UInt32(d)
            index += 1
        }
        if index == start { throw fail("expected \(what()) in hexadecimal\(found)") }
        return v
    }

    /// A signed decimal integer (evemu values: `0001`, `-001`).
    mutating func signed(_ what: @autoclosure () -> String) throws(TraceError) -> Int64 {
        var negative = false
        if index < end, base[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        else if index < end, base[index] == UInt8(ascii: "+") { index += 1 }
        let v = try unsigned(what(), max: UInt64(Int32.max) + 1)
        return negative ? -Int64(v) : Int64(v)
    }

    /// Seconds with up to nine decimals (`1234.567890123`, `0.000001`, `12`), exactly, as
    /// nanoseconds. No Double is involved, so printed timestamps survive unchanged.
    @inline(__always)
    mutating func seconds(_ what: @autoclosure () -> String) throws(TraceError) -> Int64 {
        let start = index
        var whole: UInt64 = 0
        while index < end, base[index] &- 48 < 10 {
            whole = whole &* 10 &+ UInt64(base[index] &- 48)
            index += 1
            if index - start > 10 { throw fail("\(what()) is too large (at most \(TraceLimits.maxTimestampText) s)") }
        }
        if index == start { throw fail("expected \(what()) in seconds\(found)") }
        var frac: UInt64 = 0
        var digits = 0
        if index < end, base[index] == 46 {
            index += 1
            while index < end, base[index] &- 48 < 10 {
                if digits == 9 { throw fail("\(what()) has more than 9 decimals (nanoseconds)") }
                frac = frac &* 10 &+ UInt64(base[index] &- 48)
                digits += 1
                index += 1
            }
            if digits == 0 { throw fail("expected decimals after the point in \(what())\(found)") }
        }
        while digits < 9 { frac &*= 10; digits += 1 }
        let (ns, o1) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = ns.addingReportingOverflow(frac)
        if o1 || o2 || total > UInt64(TraceLimits.maxTimestamp) {
            throw fail("\(what()) is too large (at most \(TraceLimits.maxTimestampText) s)")
        }
        return Int64(total)
    }

    /// True if only blanks, or a `#` comment, remain.
    var onlyCommentRemains: Bool {
        var i = index
        while i < end {
            let c = base[i]
            if c == 35 { return true }
            if c != 32 && c != 9 { return false }
            i += 1
        }
        return true
    }

    mutating func endOfLine(_ what: @autoclosure () -> String) throws(TraceError) {
        guard onlyCommentRemains else { throw fail("expected the end of the line after \(what())\(trailingFound)") }
    }

    private var trailingFound: String {
        var s = self
        s.skipBlanks()
        return s.found
    }
}

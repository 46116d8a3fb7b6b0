/// A point on one monotonic clock, in nanoseconds.
///
/// Kernel edge timestamps, trace files and `advance(to:)` ticks all share this type, so replay and
/// live mode run the same arithmetic. It is a plain integer because the detector runs millions of
/// edges a second in replay.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ s: Double) -> Timestamp { Timestamp(nanoseconds: Int64((s * 1e9).rounded())) }
    public static func milliseconds(_ ms: Int64) -> Timestamp { Timestamp(nanoseconds: ms * 1_000_000) }

    /// Seconds as a Double, for JSON output and display.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: Timestamp, d: Span) -> Timestamp { Timestamp(nanoseconds: a.nanoseconds + d.nanoseconds) }
    public static func - (a: Timestamp, b: Timestamp) -> Span { Span(nanoseconds: a.nanoseconds - b.nanoseconds) }

    public var description: String { formatSeconds(nanoseconds) }
}

/// A length of time in nanoseconds (debounce, long threshold, double window).
public struct Span: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func milliseconds(_ ms: Int64) -> Span { Span(nanoseconds: ms * 1_000_000) }
    public static func seconds(_ s: Double) -> Span { Span(nanoseconds: Int64((s * 1e9).rounded())) }
    public static let zero = Span(nanoseconds: 0)
    public static func < (a: Span, b: Span) -> Bool { a.nanoseconds < b.nanoseconds }
    public var description: String { formatSeconds(nanoseconds) + "s" }
}

/// Seconds with nine decimals, exact for any Int64 (no Double rounding).
@usableFromInline
func formatSeconds(_ ns: Int64) -> String {
    let negative = ns < 0
    let magnitude = ns.magnitude
    let whole = magnitude / 1_000_000_000
    let frac = String(magnitude % 1_000_000_000)
    return (negative ? "-" : "") + String(whole) + "." + String(repeating: "0", count: 9 - frac.count) + frac
}

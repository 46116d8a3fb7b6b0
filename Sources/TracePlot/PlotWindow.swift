import Lines
import Presses

/// The part of a trace's clock a plot shows: `--from S` and `--to S`, each optional.
public struct PlotWindow: Sendable, Equatable {
    public var from: Timestamp?
    public var to: Timestamp?

    public init(from: Timestamp? = nil, to: Timestamp? = nil) {
        self.from = from
        self.to = to
    }

    /// Reads `--from` and `--to` as given on the command line (seconds on the trace's clock,
    /// like `8417.7`); the error is one line naming the flag.
    public init(from: String?, to: String?) throws(PlotError) {
        self.from = try from.map { text throws(PlotError) in try Self.seconds(text, flag: "--from") }
        self.to = try to.map { text throws(PlotError) in try Self.seconds(text, flag: "--to") }
        if let f = self.from, let t = self.to, !(f < t) {
            throw PlotError("--from \(from!) must be before --to \(to!)")
        }
    }

    /// Seconds with up to nine decimals, exact (no floating point), as the traces write them.
    static func seconds(_ text: String, flag: String) throws(PlotError) -> Timestamp {
        let bytes = Array(text.utf8)
        let dots = bytes.filter { $0 == UInt8(ascii: ".") }.count
        let digitsOnly = bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }
        guard !bytes.isEmpty, digitsOnly, dots <= 1, bytes.contains(where: { $0 >= 48 && $0 <= 57 }),
              let ns = try? Span(parsing: text + "s").nanoseconds, ns <= TraceLimits.maxTimestamp else {
            throw PlotError("\(flag): '\(text)' is not a time in seconds on the trace's clock, like 8417.7 (0 to \(TraceLimits.maxTimestampText), at most 9 decimals)")
        }
        return Timestamp(nanoseconds: ns)
    }

    /// The range to draw: the window where given, else the trace's own extent (first edge to the
    /// last thing the detector did) with a margin. Throws when the window misses the trace.
    func range(for lanes: [ObservedLane]) throws(PlotError) -> (from: Timestamp, to: Timestamp) {
        var first: Timestamp?
        var last: Timestamp?
        func see(_ t: Timestamp) {
            if first == nil || t < first! { first = t }
            if last == nil || t > last! { last = t }
        }
        for lane in lanes {
            if let e = lane.edges.first { see(e.time) }
            if let e = lane.edges.last { see(e.time) }
            if let b = lane.bursts.last { see(b.resolvedAt) }
            // Whole windows, so a press that fell inside one is seen to.
            for b in lane.bursts where b.outcome == .released {
                if let d = b.deadline { see(d) }
            }
            for p in lane.presses.suffix(1) { see(p.decidedAt) }
        }
        guard let start = first, let end = last else {
            // No edge at all: a second from the window's start (or 0) keeps the axis drawable.
            let f = from ?? (to.map { Timestamp(nanoseconds: max(0, $0.nanoseconds - 1_000_000_000)) } ?? Timestamp(nanoseconds: 0))
            let t = to ?? Timestamp(nanoseconds: f.nanoseconds + 1_000_000_000)
            guard f < t else { throw PlotError("--from must be before --to") }
            return (f, t)
        }
        let margin = max((end - start).nanoseconds / 25, 5_000_000)
        let f = from ?? Timestamp(nanoseconds: max(0, start.nanoseconds - margin))
        let t = to ?? Timestamp(nanoseconds: end.nanoseconds + margin)
        if let from, from > end {
            throw PlotError("--from \(PlotText.seconds(from, decimals: 9)) is after the trace ends (\(PlotText.seconds(end, decimals: 9)))")
        }
        if let to, to < start {
            throw PlotError("--to \(PlotText.seconds(to, decimals: 9)) is before the trace's first edge (\(PlotText.seconds(start, decimals: 9)))")
        }
        guard f < t else {
            throw PlotError("the window \(PlotText.seconds(f, decimals: 9)) to \(PlotText.seconds(t, decimals: 9)) is empty; give --from before --to")
        }
        return (f, t)
    }
}

/// Why a plot cannot be made: one line for stderr.
public struct PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

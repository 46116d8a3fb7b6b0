import Presses

/// A scripted button on a virtual clock: presses, holds, waits, bouncing contacts and glitches,
/// turned into the raw edges a real line would report. Pure, so tests and `clickbridge demo`
/// get the same edges every time.
///
///     let script = SimulatedButton(name: "GPIO17")
///         .press(for: .milliseconds(120), bounce: 3)
///         .wait(.milliseconds(600))
///         .doubleClick(bounce: 2)
///         .wait(.seconds(1))
///         .hold(.seconds(2))
///     let presses = TraceReplay.presses(of: script.trace)   // SINGLE, DOUBLE, LONG
///
/// Times given to the script are those of the settled changes' first edges, the times the
/// detector reports, so `press(for: 120ms)` releases exactly 120 ms after it pressed. Each
/// method returns a new script, so scripts chain and can be reused as prefixes; the methods
/// consume their receiver, so a long chain appends in place instead of copying its edges.
public struct SimulatedButton: Sendable {
    public var name: String
    /// Raw edges so far, in time order, bounces included.
    public private(set) var edges: [Edge] = []
    /// The virtual clock: where the next action happens.
    public private(set) var now: Timestamp
    /// The settled level: whether the button is down.
    public private(set) var isPressed = false
    /// How long a bounce burst may last after the first edge of a change (real switches:
    /// a few milliseconds).
    public var bounceSpan: Span = .milliseconds(6)
    private var random: SplitMix64

    /// `start` is the clock's first instant; `seed` varies the bounce timing reproducibly.
    public init(name: String = "button", start: Timestamp = Timestamp(nanoseconds: 0), seed: UInt64 = 1) {
        self.name = name
        self.now = start
        self.random = SplitMix64(seed: seed)
    }

    // MARK: Primitives

    /// The button goes down now, its contacts bouncing `bounce` times (each bounce is a pair of
    /// edges) within `bounceSpan`.
    public consuming func down(bounce: Int = 0) -> Self { change(to: true, bounce: bounce) }

    /// The button comes up now, bouncing `bounce` times.
    public consuming func up(bounce: Int = 0) -> Self { change(to: false, bounce: bounce) }

    /// Nothing happens for `span`.
    public consuming func wait(_ span: Span) -> Self {
        var s = self
        s.now = s.now + span
        return s
    }

    /// A spike of the other level for `width` (default 2 ms), then back. Not a change of the
    /// button's state; the clock does not move, so what follows is timed as if it were absent.
    public consuming func glitch(_ width: Span = .milliseconds(2)) -> Self {
        var s = self
        s.append(Edge(time: s.now, pressed: !s.isPressed))
        s.append(Edge(time: s.now + width, pressed: s.isPressed))
        return s
    }

    // MARK: Gestures

    /// Down, held for `duration` (first edge to first edge), up; the clock ends at the release.
    public consuming func press(for duration: Span, bounce: Int = 0) -> Self {
        down(bounce: bounce).wait(duration).up(bounce: bounce)
    }

    /// A short press (100 ms by default).
    public consuming func click(_ duration: Span = .milliseconds(100), bounce: Int = 0) -> Self {
        press(for: duration, bounce: bounce)
    }

    /// Two clicks, the second pressed `gap` after the first was released.
    public consuming func doubleClick(_ duration: Span = .milliseconds(100), gap: Span = .milliseconds(150), bounce: Int = 0) -> Self {
        click(duration, bounce: bounce).wait(gap).click(duration, bounce: bounce)
    }

    /// Three clicks `gap` apart.
    public consuming func tripleClick(_ duration: Span = .milliseconds(100), gap: Span = .milliseconds(150), bounce: Int = 0) -> Self {
        doubleClick(duration, gap: gap, bounce: bounce).wait(gap).click(duration, bounce: bounce)
    }

    /// A press held for `duration` (2 s by default, past the 1.5 s LONG threshold).
    public consuming func hold(_ duration: Span = .seconds(2), bounce: Int = 0) -> Self {
        press(for: duration, bounce: bounce)
    }

    // MARK: Output

    /// The edges as a one-button trace (native format when written), with this script's name.
    public var trace: Trace {
        Trace(buttons: [name], edges: edges.map { SourceEdge(button: 0, edge: $0) }, source: "simulated")
    }

    /// Several scripts as one trace, their edges merged in time order (ties keep script order).
    public static func trace(_ buttons: [SimulatedButton]) -> Trace {
        var merged: [SourceEdge] = []
        for (i, b) in buttons.enumerated() { merged += b.edges.map { SourceEdge(button: i, edge: $0) } }
        let sorted = merged.enumerated().sorted {
            $0.element.edge.time != $1.element.edge.time ? $0.element.edge.time < $1.element.edge.time : $0.offset < $1.offset
        }.map(\.element)
        return Trace(buttons: buttons.map(\.name), edges: sorted, source: "simulated")
    }

    // MARK: Internals

    private consuming func change(to pressed: Bool, bounce: Int) -> Self {
        var s = self
        let t0 = s.now
        s.append(Edge(time: t0, pressed: pressed))
        if bounce > 0 {
            // 2*bounce more edges, irregularly spaced, all within bounceSpan of the first.
            let slots = Int64(2 * bounce)
            let slot = max(1, s.bounceSpan.nanoseconds / (slots + 1))
            var t = t0
            for k in 0..<slots {
                let jitter = Int64(s.random.next() % UInt64(max(1, slot / 2)))
                t = max(t + Span(nanoseconds: 1_000), t0 + Span(nanoseconds: slot * (k + 1) - jitter))
                s.append(Edge(time: t, pressed: k % 2 == 0 ? !pressed : pressed))
            }
        }
        s.isPressed = pressed
        return s
    }

    /// Appends, keeping time order even if a script packs actions tighter than its bounces.
    private mutating func append(_ edge: Edge) {
        var e = edge
        if let last = edges.last, e.time < last.time { e.time = last.time }
        edges.append(e)
    }
}

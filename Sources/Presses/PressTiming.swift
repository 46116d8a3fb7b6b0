/// Per-button settings of the press semantics (ARCHITECTURE.md, "Press rules" and "Gestures").
public struct PressTiming: Hashable, Sendable {
    /// A level change is confirmed once the line stayed at the new level this long after its last edge.
    public var debounce: Span
    /// A press with no confirmed release by `pressedAt + long` is LONG.
    public var long: Span
    /// After a short press's release, a new press starting within this window is the next click.
    /// Zero disables multi-presses.
    public var doubleWindow: Span
    /// The longest multi-press sequence recognised, 1 (no DOUBLE) to 5 (QUINTUPLE). With 2, the
    /// 1-Click rules hold exactly.
    public var maxPresses: Int
    /// After a LONG, its confirmed release emits LONG_RELEASE.
    public var longRelease: Bool
    /// While a LONG is still held, LONG_REPEAT every `repeat` after it. Zero is off.
    public var `repeat`: Span

    public init(debounce: Span = .milliseconds(20), long: Span = .milliseconds(1500), doubleWindow: Span = .milliseconds(400),
                maxPresses: Int = 2, longRelease: Bool = false, repeat: Span = .zero) {
        self.debounce = debounce
        self.long = long
        self.doubleWindow = doubleWindow
        self.maxPresses = maxPresses
        self.longRelease = longRelease
        self.repeat = `repeat`
    }

    public static let `default` = PressTiming()

    /// The values `maxPresses` may take.
    public static let maxPressesRange = 1...Gesture.mostPresses
    /// The shortest `repeat` that is on: a faster repeat would flood actions and MQTT with events
    /// no one can tell apart.
    public static let shortestRepeat = Span.milliseconds(10)

    /// A setting out of its range; the description says which, what it is, and what it may be.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case maxPressesOutOfRange(Int)
        case repeatTooShort(Span)

        public var description: String {
            switch self {
            case .maxPressesOutOfRange(let n):
                "maxPresses is \(n); it must be \(PressTiming.maxPressesRange.lowerBound) to \(PressTiming.maxPressesRange.upperBound)"
            case .repeatTooShort(let span):
                "repeat is \(span); it must be 0 (off) or at least \(PressTiming.shortestRepeat)"
            }
        }
    }

    /// Every gesture setting out of its range, in declaration order; empty when all are valid.
    /// (The durations' own ranges are the readers' business: each parses a non-negative duration.)
    public var problems: [Problem] {
        var found: [Problem] = []
        if !Self.maxPressesRange.contains(maxPresses) { found.append(.maxPressesOutOfRange(maxPresses)) }
        if self.repeat != .zero && self.repeat < Self.shortestRepeat { found.append(.repeatTooShort(self.repeat)) }
        return found
    }

    /// Throws the first problem, if any.
    public func validate() throws(Problem) {
        if let first = problems.first { throw first }
    }
}

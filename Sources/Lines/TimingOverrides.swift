import Presses

/// The timing flags of `listen`, `record` and `replay` (`--debounce`, `--long`,
/// `--double-window`, `--max-presses`, `--long-release`, `--repeat`): each one given replaces
/// that setting of the base timing (a trace's own, else the defaults); nil keeps it.
public struct TimingOverrides: Sendable, Equatable {
    public var debounce: Span?
    public var long: Span?
    public var doubleWindow: Span?
    public var maxPresses: Int?
    public var longRelease: Bool?
    public var `repeat`: Span?

    public init(debounce: Span? = nil, long: Span? = nil, doubleWindow: Span? = nil,
                maxPresses: Int? = nil, longRelease: Bool? = nil, repeat: Span? = nil) {
        self.debounce = debounce
        self.long = long
        self.doubleWindow = doubleWindow
        self.maxPresses = maxPresses
        self.longRelease = longRelease
        self.repeat = `repeat`
    }

    public func applied(to base: PressTiming?) -> PressTiming {
        var t = base ?? .default
        if let debounce { t.debounce = debounce }
        if let long { t.long = long }
        if let doubleWindow { t.doubleWindow = doubleWindow }
        if let maxPresses { t.maxPresses = maxPresses }
        if let longRelease { t.longRelease = longRelease }
        if let `repeat` { t.repeat = `repeat` }
        return t
    }

    /// The flags whose setting in `timing` differs from `own` (a trace's recorded timing).
    public static func changedFlags(_ timing: PressTiming, from own: PressTiming) -> [String] {
        var changed: [String] = []
        if timing.debounce != own.debounce { changed.append("--debounce") }
        if timing.long != own.long { changed.append("--long") }
        if timing.doubleWindow != own.doubleWindow { changed.append("--double-window") }
        if timing.maxPresses != own.maxPresses { changed.append("--max-presses") }
        if timing.longRelease != own.longRelease { changed.append("--long-release") }
        if timing.repeat != own.repeat { changed.append("--repeat") }
        return changed
    }

    /// Parses `--max-presses`: a whole number in `PressTiming.maxPressesRange`.
    public static func maxPresses(_ text: String) throws(ReplayArgumentError) -> Int {
        let range = PressTiming.maxPressesRange
        guard let n = Int(text), range.contains(n) else {
            throw ReplayArgumentError("--max-presses must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return n
    }

    /// Parses `--repeat`: 0 (off), or a duration from `PressTiming.shortestRepeat` to 24h.
    public static func repeatEvery(_ text: String) throws(ReplayArgumentError) -> Span {
        let span = try ReplayJob.duration(text, flag: "--repeat")
        guard span == .zero || span >= PressTiming.shortestRepeat else {
            throw ReplayArgumentError("--repeat must be 0 (off) or at least \(PressTiming.shortestRepeat.text), not \(text)")
        }
        return span
    }
}

/// Per-button timing of the press semantics (ARCHITECTURE.md, "Press rules").
public struct PressTiming: Hashable, Sendable {
    /// A level change is confirmed once the line stayed at the new level this long after its last edge.
    public var debounce: Span
    /// A press with no confirmed release by `pressedAt + long` is LONG.
    public var long: Span
    /// After a short press's release, a new press starting within this window is the second click.
    /// Zero disables DOUBLE.
    public var doubleWindow: Span

    public init(debounce: Span = .milliseconds(20), long: Span = .milliseconds(1500), doubleWindow: Span = .milliseconds(400)) {
        self.debounce = debounce
        self.long = long
        self.doubleWindow = doubleWindow
    }

    public static let `default` = PressTiming()
}

/// A classified press, as the detector emits it.
public struct Press: Hashable, Sendable {
    /// The button's name (see ARCHITECTURE.md, "Button names": line name, `CHIP:OFFSET`, key name, or the trace's id).
    public var button: String
    public var clickType: ClickType
    /// The time of the first press edge; for DOUBLE, the first click's.
    public var pressedAt: Timestamp
    /// The instant the semantics allow the decision.
    public var decidedAt: Timestamp

    public init(button: String, clickType: ClickType, pressedAt: Timestamp, decidedAt: Timestamp) {
        self.button = button
        self.clickType = clickType
        self.pressedAt = pressedAt
        self.decidedAt = decidedAt
    }
}

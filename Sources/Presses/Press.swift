/// A classified press, as the detector emits it.
public struct Press: Hashable, Sendable {
    /// The button's name (see ARCHITECTURE.md, "Button names": line name, `CHIP:OFFSET`, key name, or the trace's id).
    public var button: String
    public var gesture: Gesture
    /// The time of the first press edge; for a multi-press, the first click's; for LONG_RELEASE
    /// and LONG_REPEAT, the LONG's.
    public var pressedAt: Timestamp
    /// The instant the semantics allow the decision.
    public var decidedAt: Timestamp

    public init(button: String, gesture: Gesture, pressedAt: Timestamp, decidedAt: Timestamp) {
        self.button = button
        self.gesture = gesture
        self.pressedAt = pressedAt
        self.decidedAt = decidedAt
    }

    public init(button: String, clickType: ClickType, pressedAt: Timestamp, decidedAt: Timestamp) {
        self.init(button: button, gesture: Gesture(clickType), pressedAt: pressedAt, decidedAt: decidedAt)
    }

    /// The 1-Click click type: nil for gestures other than SINGLE, DOUBLE and LONG.
    public var clickType: ClickType? { gesture.clickType }
    /// See `Gesture.count`.
    public var count: Int? { gesture.count }
    /// See `Gesture.heldFor`.
    public var heldFor: Span? { gesture.heldFor }
}

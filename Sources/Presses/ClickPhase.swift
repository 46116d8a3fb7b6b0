/// Where the click classifier is within one press sequence. Each phase implies the confirmed
/// level: `idle` and `up` are released, the others pressed.
enum ClickPhase: Equatable, Sendable {
    /// Released; no sequence in progress.
    case idle
    /// Held, but makes no press: held at start, or the rest of a multi-press decided while held
    /// (its last press reached `long`).
    case awaitingRelease
    /// Press number `count` of a sequence whose first press began at `pressedAt`, held since
    /// `downAt`. Deadline: `downAt + long` (LONG when `count` is 1, else the multi-press of `count`).
    case down(pressedAt: Timestamp, count: Int, downAt: Timestamp)
    /// Press number `count` (fewer than `maxPresses`) was short and released at `releasedAt`.
    /// Deadline: `releasedAt + window` (the multi-press of `count`; SINGLE for 1).
    case up(pressedAt: Timestamp, count: Int, releasedAt: Timestamp)
    /// A LONG, pressed at `pressedAt`, still held. `nextRepeat` is the number of the next
    /// LONG_REPEAT, due at `pressedAt + long + nextRepeat·repeat`; nil when none is coming
    /// (repeat off, or watching stopped).
    case longHeld(pressedAt: Timestamp, nextRepeat: Int?)
}

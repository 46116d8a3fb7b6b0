/// Where the click classifier is within one press sequence. Each phase implies the confirmed
/// level: `idle` and `firstUp` are released, the others pressed.
enum ClickPhase: Equatable, Sendable {
    /// Released; no sequence in progress.
    case idle
    /// Held, but makes no press: held at start, or the rest of a press already decided while
    /// held (LONG, or DOUBLE whose second press reached `long`).
    case awaitingRelease
    /// The first press, held since `pressedAt`. Deadline: `pressedAt + long` (LONG).
    case firstDown(pressedAt: Timestamp)
    /// The first press was short and released at `releasedAt`. Deadline: `releasedAt + window`
    /// (SINGLE).
    case firstUp(pressedAt: Timestamp, releasedAt: Timestamp)
    /// The second click, held since `secondAt`. Deadline: `secondAt + long` (DOUBLE while held).
    case secondDown(pressedAt: Timestamp, secondAt: Timestamp)
}

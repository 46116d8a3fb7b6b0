@testable import Presses

// ORACLE, to be deleted when issue 13 (gestures) has landed: the detector exactly as it was before
// gestures, copied verbatim but for names, so property tests can show that the generalised
// detector with the default settings decides every script as this one did. Do not fix or extend it.

enum LegacyClickPhase: Equatable, Sendable {
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

struct LegacyPressDetector: Sendable {
    let button: String
    let timing: PressTiming

    private var line: Debouncer
    private var phase: LegacyClickPhase
    private let long: Span
    private let window: Span
    /// The last instant a burst resolved: a decision that waited for it is made then, not earlier.
    private var lastResolution: Timestamp
    /// The latest instant processed (edge or tick); earlier edges are moved up to it.
    private var horizon: Timestamp

    /// `initiallyPressed`: the button is already held when watching starts; it makes no press
    /// until it has been released.
    init(button: String, timing: PressTiming = .default, initiallyPressed: Bool = false) {
        self.button = button
        self.timing = timing
        self.line = Debouncer(level: initiallyPressed, debounce: Self.nonNegative(timing.debounce))
        self.phase = initiallyPressed ? .awaitingRelease : .idle
        self.long = Self.nonNegative(timing.long)
        self.window = Self.nonNegative(timing.doubleWindow)
        self.lastResolution = Timestamp(nanoseconds: .min)
        self.horizon = Timestamp(nanoseconds: .min)
    }

    /// Feeds one raw edge. Edge times must not decrease. Deadlines at or before the edge's time
    /// are processed first, as if `advance(to: edge.time)` had been called. Returns the edge as
    /// taken: one older than the last instant processed is moved up to that instant.
    @discardableResult
    mutating func feed(_ edge: Edge, into presses: inout [Press]) -> Edge {
        let taken = Edge(time: max(edge.time, horizon), pressed: edge.pressed)
        process(upTo: taken.time, into: &presses)
        line.record(taken)
        horizon = taken.time
        return taken
    }

    /// Processes every deadline up to and including `now`.
    mutating func advance(to now: Timestamp, into presses: inout [Press]) {
        process(upTo: now, into: &presses)
        horizon = max(horizon, now)
    }

    /// The next instant at which `advance(to:)` may change state or emit; nil while nothing is pending.
    var nextDeadline: Timestamp? { nextStep()?.at }

    /// Shutdown: any pending decision is made at once, as if its deadline had come.
    /// A burst in progress is resolved as the line stands now, then the decision it leads to is
    /// made, all with `decidedAt = now` (or the last instant processed, if later).
    /// A button still held in its first press is LONG, in its second DOUBLE.
    mutating func finish(at now: Timestamp, into presses: inout [Press]) {
        let now = max(now, horizon)
        process(upTo: now, into: &presses)
        while let step = nextStep() {
            apply(step.kind, at: now, into: &presses)
        }
        horizon = now
    }

    /// The confirmed level: true while the button is (debounced) down.
    var isPressed: Bool { line.level }

    // MARK: - The ordered list of instants

    private enum StepKind { case resolveBurst, decide }

    /// The next thing to happen and its instant. A burst in progress resolves before the LONG and
    /// SINGLE deadlines (they wait for it); only a second press's `long` may come first.
    private func nextStep() -> (at: Timestamp, kind: StepKind)? {
        let deadline = phaseDeadline
        if let resolution = line.resolution {
            if case .secondDown = phase, let deadline, deadline < resolution {
                return (max(deadline, lastResolution), .decide)
            }
            return (resolution, .resolveBurst)
        }
        if let deadline { return (max(deadline, lastResolution), .decide) }
        return nil
    }

    private var phaseDeadline: Timestamp? {
        switch phase {
        case .idle, .awaitingRelease: nil
        case .firstDown(let pressedAt): pressedAt.saturatingAdding(long)
        case .firstUp(_, let releasedAt): releasedAt.saturatingAdding(window)
        case .secondDown(_, let secondAt): secondAt.saturatingAdding(long)
        }
    }

    private mutating func process(upTo now: Timestamp, into presses: inout [Press]) {
        while let step = nextStep(), step.at <= now {
            apply(step.kind, at: step.at, into: &presses)
        }
    }

    private mutating func apply(_ kind: StepKind, at instant: Timestamp, into presses: inout [Press]) {
        switch kind {
        case .resolveBurst:
            lastResolution = instant
            if case .change(let pressed, let time) = line.resolve() {
                confirmed(pressed: pressed, at: time, confirmedAt: instant, into: &presses)
            }
        case .decide:
            decide(at: instant, into: &presses)
        }
    }

    // MARK: - Click classification

    /// A confirmed change, timed `time`, confirmed at `confirmedAt`.
    private mutating func confirmed(pressed: Bool, at time: Timestamp, confirmedAt: Timestamp, into presses: inout [Press]) {
        switch (phase, pressed) {
        case (.idle, true):
            phase = .firstDown(pressedAt: time)
        case (.awaitingRelease, false):
            phase = .idle
        case (.firstDown(let pressedAt), false):
            phase = .firstUp(pressedAt: pressedAt, releasedAt: time)
        case (.firstUp(let pressedAt, _), true):
            // The SINGLE deadline waits for a burst that began before it, so `time` is inside the window.
            phase = .secondDown(pressedAt: pressedAt, secondAt: time)
        case (.secondDown(let pressedAt, _), false):
            emit(.double, pressedAt: pressedAt, decidedAt: confirmedAt, into: &presses)
            phase = .idle
        default:
            // Unreachable: each phase implies the confirmed level, and a change flips it.
            // Resynchronise rather than trap.
            phase = pressed ? .awaitingRelease : .idle
        }
    }

    /// The current phase's deadline has come (or shutdown makes it come).
    private mutating func decide(at instant: Timestamp, into presses: inout [Press]) {
        switch phase {
        case .idle, .awaitingRelease:
            break
        case .firstDown(let pressedAt):
            emit(.long, pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .awaitingRelease
        case .firstUp(let pressedAt, _):
            emit(.single, pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .idle
        case .secondDown(let pressedAt, _):
            emit(.double, pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .awaitingRelease
        }
    }

    private func emit(_ type: ClickType, pressedAt: Timestamp, decidedAt: Timestamp, into presses: inout [Press]) {
        presses.append(Press(button: button, clickType: type, pressedAt: pressedAt, decidedAt: decidedAt))
    }

    private static func nonNegative(_ span: Span) -> Span { max(span, .zero) }
}

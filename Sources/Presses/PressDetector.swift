/// The press state machine (ARCHITECTURE.md, "Press rules"): raw edges and clock ticks in, presses out.
///
/// Pure: it never reads a clock. Live mode calls `advance(to:)` when `nextDeadline` comes;
/// replay calls it with the trace's own times, so both give identical results. It allocates
/// nothing per edge (appending a press may grow the caller's array).
///
/// Two stages share one ordered list of instants. The `Debouncer` turns raw edges into confirmed
/// changes; the `ClickPhase` machine turns those into presses at its deadlines. Rules for
/// instants that coincide, and other choices the basic rules leave open (ARCHITECTURE.md lists
/// them too):
/// - At equal instants, a burst's confirmation comes before a decision, and both come before an
///   edge fed at that instant. So a release edge exactly at `pressedAt + long` makes a LONG (the
///   press lasted `long`), and a press edge exactly at `releasedAt + window` is outside the
///   window ("before `r + window`" is strict). A line quiet for exactly `debounce` is confirmed.
/// - "An edge is pending" means a burst is in progress: edges closer together than `debounce`,
///   the last one less than `debounce` ago, whatever level the line is at right now. The LONG,
///   window and LONG_REPEAT deadlines wait for it, and so does a later press reaching `long`
///   while the sequence could still go on (a release would let it). Only press number
///   `maxPresses` reaching `long` does not wait: whatever that edge turns out to be, the count is
///   the same (with the defaults: a second press reaching `long` is DOUBLE at once).
/// - A decision that waited, or whose deadline passed before the change that starts it was
///   confirmed (timings with `long` or `window` shorter than `debounce`), is made at the instant
///   it becomes possible: `decidedAt = max(deadline, confirmation)`. With `window` 0 this gives
///   SINGLE when the release is confirmed, as the rules say. LONG_REPEATs that waited are all
///   made at that instant, in order; a release confirmed while they wait cancels them.
/// - The sequence's press number `maxPresses` is decided when its release is confirmed: no
///   window follows it. So `maxPresses` 1 gives SINGLE when the release is confirmed.
/// - Only a first press can be LONG: a later press reaching `long` ends its sequence as a
///   multi-press, and its release emits nothing (no LONG_RELEASE, no LONG_REPEAT).
/// - Edges closer than `debounce` are one burst even when the first is a glitch: a glitch
///   followed within `debounce` by a real change times that change from the glitch.
/// - An edge repeating the confirmed level outside a burst is ignored; inside a burst it counts
///   as activity (a pulse was lost), so it extends the burst.
/// - At shutdown every remaining instant comes at once: a burst in progress resolves as the
///   line stands, then the phase decides. A first press still held is LONG, however short so
///   far; a later one the multi-press so far; a released click the multi-press of its count.
///   A LONG still held emits no LONG_RELEASE (it was not released) and no LONG_REPEAT beyond
///   those already due.
/// - Negative timings count as zero, `maxPresses` outside 1...5 as the nearest bound; sums past
///   `Int64.max` nanoseconds saturate.
/// - An edge older than an instant already processed (which callers must avoid: in live mode,
///   read all queued edges before advancing to a deadline) counts as happening at that instant.
public struct PressDetector: Sendable {
    public let button: String
    public let timing: PressTiming

    private var line: Debouncer
    private var phase: ClickPhase
    private let long: Span
    private let window: Span
    private let maxPresses: Int
    private let longRelease: Bool
    /// Zero: no LONG_REPEAT.
    private let repeatEvery: Span
    /// The last instant a burst resolved: a decision that waited for it is made then, not earlier.
    private var lastResolution: Timestamp
    /// The latest instant processed (edge or tick); earlier edges are moved up to it.
    private var horizon: Timestamp

    /// `initiallyPressed`: the button is already held when watching starts; it makes no press
    /// until it has been released.
    public init(button: String, timing: PressTiming = .default, initiallyPressed: Bool = false) {
        self.button = button
        self.timing = timing
        self.line = Debouncer(level: initiallyPressed, debounce: Self.nonNegative(timing.debounce))
        self.phase = initiallyPressed ? .awaitingRelease : .idle
        self.long = Self.nonNegative(timing.long)
        self.window = Self.nonNegative(timing.doubleWindow)
        self.maxPresses = min(max(timing.maxPresses, PressTiming.maxPressesRange.lowerBound), PressTiming.maxPressesRange.upperBound)
        self.longRelease = timing.longRelease
        self.repeatEvery = Self.nonNegative(timing.repeat)
        self.lastResolution = Timestamp(nanoseconds: .min)
        self.horizon = Timestamp(nanoseconds: .min)
    }

    /// Feeds one raw edge. Edge times must not decrease. Deadlines at or before the edge's time
    /// are processed first, as if `advance(to: edge.time)` had been called. Returns the edge as
    /// taken: one older than the last instant processed is moved up to that instant.
    @discardableResult
    public mutating func feed(_ edge: Edge, into presses: inout [Press]) -> Edge {
        let taken = Edge(time: max(edge.time, horizon), pressed: edge.pressed)
        process(upTo: taken.time, into: &presses)
        line.record(taken)
        horizon = taken.time
        return taken
    }

    /// Processes every deadline up to and including `now`.
    public mutating func advance(to now: Timestamp, into presses: inout [Press]) {
        process(upTo: now, into: &presses)
        horizon = max(horizon, now)
    }

    /// The next instant at which `advance(to:)` may change state or emit; nil while nothing is pending.
    public var nextDeadline: Timestamp? { nextStep()?.at }

    /// Shutdown: any pending decision is made at once, as if its deadline had come.
    /// A burst in progress is resolved as the line stands now, then the decision it leads to is
    /// made, all with `decidedAt = now` (or the last instant processed, if later).
    /// A button still held in its first press is LONG, in a later one the multi-press so far.
    /// A LONG_REPEAT is no pending decision: only those already due (deferred by a burst) are
    /// emitted, and no more come for this hold. A LONG still held gets no LONG_RELEASE.
    public mutating func finish(at now: Timestamp, into presses: inout [Press]) {
        let now = max(now, horizon)
        process(upTo: now, into: &presses)
        while let step = nextStep() {
            if step.kind == .decide, case .longHeld(let pressedAt, let next?) = phase, repeatDeadline(pressedAt, next) > now {
                phase = .longHeld(pressedAt: pressedAt, nextRepeat: nil)
                continue
            }
            apply(step.kind, at: now, into: &presses)
        }
        horizon = now
    }

    /// The confirmed level: true while the button is (debounced) down.
    public var isPressed: Bool { line.level }

    /// The debounce burst in progress, for observers that draw it (`clickbridge plot`): its first
    /// edge and the instant it resolves (its last edge + debounce); nil while none is. Reading it
    /// changes nothing.
    public var pendingBurst: (start: Timestamp, resolvesAt: Timestamp)? {
        guard let start = line.burstStart, let end = line.resolution else { return nil }
        return (start, end)
    }

    // MARK: - The ordered list of instants

    private enum StepKind { case resolveBurst, decide }

    /// The next thing to happen and its instant. A burst in progress resolves before the
    /// deadlines (they wait for it); only the last possible press's `long` may come first.
    private func nextStep() -> (at: Timestamp, kind: StepKind)? {
        let deadline = phaseDeadline
        if let resolution = line.resolution {
            if case .down(_, let count, _) = phase, count > 1, count >= maxPresses, let deadline, deadline < resolution {
                return (max(deadline, lastResolution), .decide)
            }
            return (resolution, .resolveBurst)
        }
        if let deadline { return (max(deadline, lastResolution), .decide) }
        return nil
    }

    private var phaseDeadline: Timestamp? {
        switch phase {
        case .idle, .awaitingRelease, .longHeld(_, nil): nil
        case .down(_, _, let downAt): downAt.saturatingAdding(long)
        case .up(_, _, let releasedAt): releasedAt.saturatingAdding(window)
        case .longHeld(let pressedAt, let next?): repeatDeadline(pressedAt, next)
        }
    }

    /// LONG_REPEAT number `k` of a LONG pressed at `pressedAt` is due at `pressedAt + long + k·repeat`.
    private func repeatDeadline(_ pressedAt: Timestamp, _ k: Int) -> Timestamp {
        let (product, overflow) = repeatEvery.nanoseconds.multipliedReportingOverflow(by: Int64(k))
        return pressedAt.saturatingAdding(long).saturatingAdding(Span(nanoseconds: overflow ? .max : product))
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
            phase = .down(pressedAt: time, count: 1, downAt: time)
        case (.awaitingRelease, false):
            phase = .idle
        case (.down(let pressedAt, let count, _), false):
            if count >= maxPresses {
                // The longest sequence recognised: nothing can follow, so no window to wait for.
                emit(.presses(count), pressedAt: pressedAt, decidedAt: confirmedAt, into: &presses)
                phase = .idle
            } else {
                phase = .up(pressedAt: pressedAt, count: count, releasedAt: time)
            }
        case (.up(let pressedAt, let count, _), true):
            // The window deadline waits for a burst that began before it, so `time` is inside the window.
            phase = .down(pressedAt: pressedAt, count: count + 1, downAt: time)
        case (.longHeld(let pressedAt, _), false):
            if longRelease {
                emit(.longRelease(heldFor: time - pressedAt), pressedAt: pressedAt, decidedAt: confirmedAt, into: &presses)
            }
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
        case .idle, .awaitingRelease, .longHeld(_, nil):
            break
        case .down(let pressedAt, 1, _):
            emit(.long, pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .longHeld(pressedAt: pressedAt, nextRepeat: repeatEvery > .zero ? 1 : nil)
        case .down(let pressedAt, let count, _):
            emit(.presses(count), pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .awaitingRelease
        case .up(let pressedAt, let count, _):
            emit(.presses(count), pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .idle
        case .longHeld(let pressedAt, let next?):
            emit(.longRepeat(count: next), pressedAt: pressedAt, decidedAt: instant, into: &presses)
            phase = .longHeld(pressedAt: pressedAt, nextRepeat: next + 1)
        }
    }

    private func emit(_ gesture: Gesture, pressedAt: Timestamp, decidedAt: Timestamp, into presses: inout [Press]) {
        presses.append(Press(button: button, gesture: gesture, pressedAt: pressedAt, decidedAt: decidedAt))
    }

    private static func nonNegative(_ span: Span) -> Span { max(span, .zero) }
}

// Conveniences for callers that handle presses one call at a time.
extension PressDetector {
    /// Feeds one raw edge and returns the presses it decided.
    public mutating func feed(_ edge: Edge) -> [Press] {
        var presses: [Press] = []
        feed(edge, into: &presses)
        return presses
    }

    /// Processes every deadline up to and including `now` and returns the presses decided.
    public mutating func advance(to now: Timestamp) -> [Press] {
        var presses: [Press] = []
        advance(to: now, into: &presses)
        return presses
    }

    /// Shutdown; returns the presses decided at once.
    public mutating func finish(at now: Timestamp) -> [Press] {
        var presses: [Press] = []
        finish(at: now, into: &presses)
        return presses
    }
}

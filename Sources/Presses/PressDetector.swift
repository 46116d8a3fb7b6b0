/// The press state machine of DESIGN.md: raw edges and clock ticks in, presses out.
///
/// Pure: it never reads a clock. Live mode calls `advance(to:)` when `nextDeadline` comes;
/// replay calls it with the trace's own times, so both give identical results.
public struct PressDetector: Sendable {
    public let button: String
    public let timing: PressTiming

    /// `initiallyPressed`: the button is already held when watching starts; it makes no press
    /// until it has been released.
    public init(button: String, timing: PressTiming = .default, initiallyPressed: Bool = false) {
        self.button = button
        self.timing = timing
    }

    /// Feeds one raw edge. Edge times must not decrease. Deadlines that fall before the edge's
    /// time are processed first, as if `advance(to: edge.time)` had been called.
    public mutating func feed(_ edge: Edge, into presses: inout [Press]) {
        // TODO(presses helper): implement.
    }

    /// Processes every deadline up to and including `now`.
    public mutating func advance(to now: Timestamp, into presses: inout [Press]) {
        // TODO(presses helper): implement.
    }

    /// The next instant at which `advance(to:)` may change state or emit; nil while nothing is pending.
    public var nextDeadline: Timestamp? { nil }

    /// Shutdown: any pending decision is made at once, as if its deadline had come.
    public mutating func finish(at now: Timestamp, into presses: inout [Press]) {
        // TODO(presses helper): implement.
    }
}

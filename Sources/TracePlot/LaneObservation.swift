import Lines
import Presses

/// One debounce burst as the real detector handled it: edges closer than `debounce`, from the
/// first edge to the instant the burst resolved.
public struct ObservedBurst: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// A press, confirmed at `resolvedAt` and timed at `start`.
        case pressed
        /// A release, confirmed at `resolvedAt` and timed at `start`.
        case released
        /// The line came back to its level: ignored.
        case glitch
    }

    /// The burst's first edge: the time a confirmed change is timed at.
    public var start: Timestamp
    /// When the detector resolved it (its last edge + debounce).
    public var resolvedAt: Timestamp
    /// Indices of its edges in `ObservedLane.edges`.
    public var edges: Range<Int>
    public var outcome: Outcome
    /// The deadline the detector set right after this change was confirmed: for a press, its long
    /// threshold; for a release, the end of the multi-press window. nil when it set none (a
    /// release that ended its sequence, the release of a LONG, a glitch).
    public var deadline: Timestamp?
}

/// What the plot draws for one button: its raw edges, and what the detector made of them.
public struct ObservedLane: Sendable {
    public var button: String
    public var timing: PressTiming
    public var initiallyPressed: Bool
    /// Raw edges, through the polarity, in time order.
    public var edges: [Edge]
    public var bursts: [ObservedBurst]
    /// The presses `replay` reports for this button (from `TraceReplay`), in decision order.
    public var presses: [Press]
    /// The presses the observing run itself emitted; tests check they equal `presses`, which shows
    /// the bursts drawn come from the same decisions.
    public var observedPresses: [Press]
}

/// Runs the real `PressDetector` over a lane's edges, stopping at each of its own deadlines to
/// see what changed: a burst beginning (`pendingBurst` appears), resolving (it disappears) and
/// whether the confirmed level moved. Extra `advance` calls at the detector's own deadlines change
/// none of its decisions (a property the Presses tests check), so this sees exactly what replay
/// decides, without a second implementation of the rules.
enum LaneObserver {
    static func observe(_ trace: Trace, timing: PressTiming) -> [ObservedLane] {
        var edgesByButton = Array(repeating: [Edge](), count: trace.buttons.count)
        for e in trace.edges where e.button < edgesByButton.count { edgesByButton[e.button].append(e.edge) }
        var pressesByButton = Array(repeating: [Press](), count: trace.buttons.count)
        let index = Dictionary(trace.buttons.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        TraceReplay.replay(trace, timing: timing) { press in
            if let i = index[press.button] { pressesByButton[i].append(press) }
        }
        return trace.buttons.indices.map { i in
            let initially = trace.isInitiallyPressed(i)
            let (bursts, observed) = bursts(button: trace.buttons[i], edges: edgesByButton[i], timing: timing, initiallyPressed: initially)
            return ObservedLane(button: trace.buttons[i], timing: timing, initiallyPressed: initially,
                                edges: edgesByButton[i], bursts: bursts, presses: pressesByButton[i], observedPresses: observed)
        }
    }

    static func bursts(button: String, edges: [Edge], timing: PressTiming, initiallyPressed: Bool) -> ([ObservedBurst], [Press]) {
        var detector = PressDetector(button: button, timing: timing, initiallyPressed: initiallyPressed)
        var presses: [Press] = []
        var bursts: [ObservedBurst] = []
        var level = detector.isPressed
        var open: (start: Timestamp, first: Int)?

        // After the detector processed everything up to `instant`, with `fed` edges fed so far.
        func look(at instant: Timestamp, fed: Int) {
            guard let o = open, detector.pendingBurst == nil else { return }
            let now = detector.isPressed
            let outcome: ObservedBurst.Outcome = now == level ? .glitch : (now ? .pressed : .released)
            bursts.append(ObservedBurst(start: o.start, resolvedAt: instant, edges: o.first..<fed, outcome: outcome,
                                        deadline: outcome == .glitch ? nil : detector.nextDeadline))
            level = now
            open = nil
        }

        for (i, edge) in edges.enumerated() {
            // The deadlines up to this edge, one at a time: feed would process them in one go.
            while let deadline = detector.nextDeadline, deadline <= edge.time {
                detector.advance(to: deadline, into: &presses)
                look(at: deadline, fed: i)
            }
            detector.feed(edge, into: &presses)
            if open == nil, let burst = detector.pendingBurst { open = (burst.start, i) }
        }
        // Then every deadline left, as replay drains a detector after the last edge.
        var last: Timestamp?
        var stalled = 0
        while let deadline = detector.nextDeadline {
            if let l = last, deadline <= l { stalled += 1 } else { stalled = 0 }
            if stalled > 8 { detector.finish(at: deadline, into: &presses); look(at: deadline, fed: edges.count); break }
            last = deadline
            detector.advance(to: deadline, into: &presses)
            look(at: deadline, fed: edges.count)
        }
        return (bursts, presses)
    }
}

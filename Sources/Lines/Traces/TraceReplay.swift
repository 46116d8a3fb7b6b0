import Presses

/// Instant replay: a trace through one `PressDetector` per button, on the trace's own clock.
///
/// After the last edge, each detector is advanced deadline by deadline until nothing is
/// pending, so every decision carries the time the semantics give it (a SINGLE at its window's
/// end, a LONG at its threshold) rather than the end of the recording.
public enum TraceReplay {
    /// The presses of `trace`, in decision order. `timing` applies to every button unless
    /// `timings` names one; a trace's own `timing` line is the default when `timing` is nil.
    public static func presses(of trace: Trace, timing: PressTiming? = nil, timings: [String: PressTiming] = [:]) -> [Press] {
        var out: [Press] = []
        replay(trace, timing: timing, timings: timings) { out.append($0) }
        return out
    }

    /// Streams presses to `emit` in decision order (across buttons, ties by button order).
    public static func replay(_ trace: Trace, timing: PressTiming? = nil, timings: [String: PressTiming] = [:],
                              emit: (Press) -> Void) {
        let base = timing ?? trace.timing ?? .default
        var detectors = trace.buttons.enumerated().map { i, name in
            PressDetector(button: name, timing: timings[name] ?? base, initiallyPressed: trace.isInitiallyPressed(i))
        }
        if detectors.count == 1 {
            // One button: its presses come out already in decision order.
            var presses: [Press] = []
            presses.reserveCapacity(16)
            for e in trace.edges where e.button == 0 {
                detectors[0].feed(e.edge, into: &presses)
                if !presses.isEmpty { for p in presses { emit(p) }; presses.removeAll(keepingCapacity: true) }
            }
            drain(&detectors[0], into: &presses, end: trace.edges.last?.edge.time)
            for p in presses { emit(p) }
            return
        }
        // Several buttons: each detector decides in its own order; merge by decision time.
        var pending: [Press] = []
        for e in trace.edges where e.button < detectors.count {
            detectors[e.button].feed(e.edge, into: &pending)
        }
        for i in detectors.indices { drain(&detectors[i], into: &pending, end: trace.edges.last?.edge.time) }
        let order = Dictionary(uniqueKeysWithValues: trace.buttons.enumerated().map { ($1, $0) })
        let sorted = pending.enumerated().sorted { a, b in
            if a.element.decidedAt != b.element.decidedAt { return a.element.decidedAt < b.element.decidedAt }
            let ba = order[a.element.button] ?? 0, bb = order[b.element.button] ?? 0
            return ba != bb ? ba < bb : a.offset < b.offset
        }
        for p in sorted { emit(p.element) }
    }

    /// Advances to each pending deadline in turn until none is left. A LONG still held when the
    /// recording ends would repeat for ever: its LONG_REPEATs stop at `end` (the last edge), since
    /// the trace does not say how long it stayed held after that.
    static func drain(_ detector: inout PressDetector, into presses: inout [Press], end: Timestamp?) {
        var guardCount = 0
        var last: Timestamp?
        while let deadline = detector.nextDeadline {
            if let end, deadline > end, detector.isPressed, detector.timing.repeat > .zero {
                var probe = detector
                var next: [Press] = []
                probe.advance(to: deadline, into: &next)
                if next.contains(where: { $0.gesture.name == .longRepeat }) {
                    // Only repeats remain for this hold; settle it without them.
                    detector.finish(at: end, into: &presses)
                    return
                }
            }
            if let l = last, deadline <= l { guardCount += 1 } else { guardCount = 0 }
            // A deadline that does not move would loop forever; make the decision now instead.
            if guardCount > 8 { detector.finish(at: deadline, into: &presses); return }
            last = deadline
            detector.advance(to: deadline, into: &presses)
        }
    }
}

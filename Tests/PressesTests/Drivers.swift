import PressTimelines
import Testing
@testable import Presses

// Ways of running a detector over a script, shared by the tests. The script notation (`ms`,
// `edges`, `press`, `gesture`) is in PressTimelines, with the worked timelines.

/// Far enough past any script for every decision to have been made.
let farFuture = Timestamp(nanoseconds: 1 << 60)

/// Replay: every edge fed in order, then one tick far in the future (or `finish`, or a tick at
/// `until`: with `repeat` on, a button held at the end repeats for ever).
func replay(_ edges: [Edge], button: String = "b", timing: PressTiming = .default,
            initiallyPressed: Bool = false, finishAt: Timestamp? = nil, until: Timestamp? = nil) -> [Press] {
    var detector = PressDetector(button: button, timing: timing, initiallyPressed: initiallyPressed)
    var presses: [Press] = []
    for edge in edges { detector.feed(edge, into: &presses) }
    if let finishAt {
        detector.finish(at: finishAt, into: &presses)
    } else if let until {
        detector.advance(to: until, into: &presses)
        if let next = detector.nextDeadline { #expect(next > until, "a deadline left behind") }
        return presses
    } else {
        detector.advance(to: farFuture, into: &presses)
    }
    #expect(detector.nextDeadline == nil, "a detector with everything decided has no deadline")
    return presses
}

/// Live mode as a timer would drive it: before each edge, advance to every `nextDeadline` that
/// comes first. Checks that deadlines are exact: every press is emitted by the tick at its
/// `decidedAt`, never by an edge or a later tick, and a tick that emits nothing still moved on.
func live(_ edges: [Edge], button: String = "b", timing: PressTiming = .default,
          initiallyPressed: Bool = false, finishAt: Timestamp? = nil, until: Timestamp? = nil,
          sourceLocation: SourceLocation = #_sourceLocation) -> [Press] {
    var detector = PressDetector(button: button, timing: timing, initiallyPressed: initiallyPressed)
    var presses: [Press] = []
    func tick(until limit: Timestamp) {
        while let deadline = detector.nextDeadline, deadline <= limit {
            let before = presses.count
            detector.advance(to: deadline, into: &presses)
            for emitted in presses[before...] {
                #expect(emitted.decidedAt == deadline, "emitted by the tick at \(deadline)", sourceLocation: sourceLocation)
            }
            if let next = detector.nextDeadline, next <= deadline {
                Issue.record("the deadline did not move on from \(deadline)", sourceLocation: sourceLocation)
                return
            }
        }
    }
    for edge in edges {
        tick(until: edge.time)
        let before = presses.count
        detector.feed(edge, into: &presses)
        #expect(presses.count == before, "an edge after all due ticks emits nothing", sourceLocation: sourceLocation)
    }
    if let finishAt {
        tick(until: finishAt)
        detector.finish(at: finishAt, into: &presses)
    } else if let until {
        tick(until: until)
        if let next = detector.nextDeadline { #expect(next > until, sourceLocation: sourceLocation) }
        return presses
    } else {
        tick(until: farFuture)
    }
    #expect(detector.nextDeadline == nil, sourceLocation: sourceLocation)
    return presses
}

/// Runs a script through replay and live mode and expects both to give `expected`.
func check(_ script: String, timing: PressTiming = .default, initiallyPressed: Bool = false,
           finishAt: Double? = nil, until: Double? = nil, _ expected: [Press], sourceLocation: SourceLocation = #_sourceLocation) {
    let input = edges(script)
    let finish = finishAt.map(ms)
    let horizon = until.map(ms)
    let replayed = replay(input, timing: timing, initiallyPressed: initiallyPressed, finishAt: finish, until: horizon)
    #expect(replayed == expected, "replay", sourceLocation: sourceLocation)
    let lived = live(input, timing: timing, initiallyPressed: initiallyPressed, finishAt: finish, until: horizon,
                     sourceLocation: sourceLocation)
    #expect(lived == expected, "live", sourceLocation: sourceLocation)
}

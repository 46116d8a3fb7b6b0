@testable import Presses

/// An independent, offline statement of the press rules (ARCHITECTURE.md), to check the streaming
/// detector against on random input. It sees the whole script at once: first it groups edges
/// into bursts, then it walks the confirmed changes, asking of each deadline whether a burst
/// straddles it. It shares no code with `PressDetector`.
enum ReferenceModel {
    struct Burst {
        var start: Timestamp
        var resolvedAt: Timestamp
        /// The new level if the burst was a change; nil for a glitch.
        var change: Bool?
    }

    static func bursts(_ edges: [Edge], debounce: Span, initiallyPressed: Bool) -> [Burst] {
        var level = initiallyPressed
        var result: [Burst] = []
        var i = 0
        while i < edges.count {
            // A burst starts only with an edge away from the confirmed level.
            guard edges[i].pressed != level else { i += 1; continue }
            let start = edges[i].time
            var last = start
            var raw = edges[i].pressed
            i += 1
            // Edges strictly closer than `debounce` to the previous one extend the burst.
            while i < edges.count, edges[i].time.nanoseconds - last.nanoseconds < debounce.nanoseconds {
                last = edges[i].time
                raw = edges[i].pressed
                i += 1
            }
            let resolvedAt = Timestamp(nanoseconds: last.nanoseconds + debounce.nanoseconds)
            if raw != level {
                level = raw
                result.append(Burst(start: start, resolvedAt: resolvedAt, change: raw))
            } else {
                result.append(Burst(start: start, resolvedAt: resolvedAt, change: nil))
            }
        }
        return result
    }

    /// Classifies a whole script, every deadline allowed to come (no shutdown).
    /// Timings must be non-negative and small enough not to overflow.
    static func presses(_ edges: [Edge], button: String, timing: PressTiming, initiallyPressed: Bool) -> [Press] {
        let all = bursts(edges, debounce: timing.debounce, initiallyPressed: initiallyPressed)
        let changes = all.filter { $0.change != nil }
        let long = timing.long.nanoseconds
        let window = timing.doubleWindow.nanoseconds
        var result: [Press] = []

        /// The instant a decision due at `due` is made: later if a burst is in progress then.
        func waited(_ due: Int64) -> Int64 {
            for burst in all where burst.start.nanoseconds < due && due < burst.resolvedAt.nanoseconds {
                return burst.resolvedAt.nanoseconds
            }
            return due
        }
        func emit(_ type: ClickType, _ pressedAt: Timestamp, _ decidedAt: Int64) {
            result.append(Press(button: button, clickType: type, pressedAt: pressedAt, decidedAt: Timestamp(nanoseconds: decidedAt)))
        }

        var k = 0
        if initiallyPressed {
            k = 1  // the first change is the release of the button held at start
        }
        while k < changes.count {
            // Idle: changes[k] is a press.
            let first = changes[k]
            let t = first.start
            let release = k + 1 < changes.count ? changes[k + 1] : nil
            let longDue = max(t.nanoseconds + long, first.resolvedAt.nanoseconds)
            guard let release, release.start.nanoseconds < t.nanoseconds + long else {
                emit(.long, t, waited(longDue))
                k += 2  // the press and its release
                continue
            }
            // Short press released at r; does a press begin before r + window?
            let r = release.start.nanoseconds
            let singleDue = max(r + window, release.resolvedAt.nanoseconds)
            guard k + 2 < changes.count, changes[k + 2].start.nanoseconds < r + window else {
                emit(.single, t, waited(singleDue))
                k += 2
                continue
            }
            // The second click: DOUBLE at its confirmed release or when it reaches long.
            let second = changes[k + 2]
            let doubleDue = max(second.start.nanoseconds + long, second.resolvedAt.nanoseconds)
            if k + 3 < changes.count, changes[k + 3].resolvedAt.nanoseconds <= doubleDue {
                emit(.double, t, changes[k + 3].resolvedAt.nanoseconds)
            } else {
                emit(.double, t, doubleDue)
            }
            k += 4
        }
        return result
    }
}

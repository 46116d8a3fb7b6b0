@testable import Presses

/// The gesture rules (ARCHITECTURE.md, "Gestures": `maxPresses`, `longRelease`, `repeat`) stated
/// offline, like `ReferenceModel.presses`: whole script at once, bursts first, then a walk over the
/// confirmed changes that asks of each deadline whether a burst straddles it. It shares no code
/// with `PressDetector`, and none with `ReferenceModel.presses` beyond the bursts.
extension ReferenceModel {
    /// Every press the rules decide at or before `horizon` (no shutdown). A button held after a
    /// LONG with `repeat` on repeats for ever, hence the horizon; it must not be before the last
    /// edge. Timings must be non-negative and small enough not to overflow.
    static func gestures(_ edges: [Edge], button: String, timing: PressTiming, initiallyPressed: Bool,
                         until horizon: Timestamp) -> [Press] {
        let all = bursts(edges, debounce: timing.debounce, initiallyPressed: initiallyPressed)
        let changes = all.filter { $0.change != nil }
        let long = timing.long.nanoseconds
        let window = timing.doubleWindow.nanoseconds
        let every = timing.repeat.nanoseconds
        var result: [Press] = []

        /// The instant a decision due at `due` is made: later if a burst is in progress then.
        func waited(_ due: Int64) -> Int64 {
            for burst in all where burst.start.nanoseconds < due && due < burst.resolvedAt.nanoseconds {
                return burst.resolvedAt.nanoseconds
            }
            return due
        }
        func emit(_ gesture: Gesture, _ pressedAt: Int64, _ decidedAt: Int64) {
            guard decidedAt <= horizon.nanoseconds else { return }
            result.append(Press(button: button, gesture: gesture, pressedAt: Timestamp(nanoseconds: pressedAt),
                                decidedAt: Timestamp(nanoseconds: decidedAt)))
        }
        let names: [Int: Gesture] = [1: .single, 2: .double, 3: .triple, 4: .quadruple, 5: .quintuple]

        // changes[k] is a press whenever the walk is between sequences.
        var k = initiallyPressed ? 1 : 0
        sequences: while k < changes.count {
            let t = changes[k].start.nanoseconds
            var n = 1  // changes[k] is press number n of the sequence begun at t
            while true {
                let pressChange = changes[k]
                let release = k + 1 < changes.count ? changes[k + 1] : nil
                if n == 1 {
                    if release == nil || release!.start.nanoseconds >= t + long {
                        // LONG, then its repeats while held, then perhaps its release.
                        let longAt = waited(max(t + long, pressChange.resolvedAt.nanoseconds))
                        emit(.long, t, longAt)
                        var previous = longAt
                        var j: Int64 = 1
                        while every > 0 {
                            let at = waited(max(t + long + j * every, previous))
                            if let release, at >= release.resolvedAt.nanoseconds { break }
                            if at > horizon.nanoseconds { break }
                            emit(.longRepeat(count: Int(j)), t, at)
                            previous = at
                            j += 1
                        }
                        if timing.longRelease, let release {
                            emit(.longRelease(heldFor: Span(nanoseconds: release.start.nanoseconds - t)), t, release.resolvedAt.nanoseconds)
                        }
                        k += 2
                        continue sequences
                    }
                } else if n < timing.maxPresses {
                    // A later press that could be followed: held past `long` (by the time of its
                    // release), it ends the sequence; `long` waits for a burst, as LONG does.
                    if release == nil || release!.start.nanoseconds >= pressChange.start.nanoseconds + long {
                        emit(names[n]!, t, waited(max(pressChange.start.nanoseconds + long, pressChange.resolvedAt.nanoseconds)))
                        k += 2
                        continue sequences
                    }
                } else {
                    // The last possible press: its count is decided at its confirmed release or
                    // when it reaches `long`, whichever comes first (and `long` waits for nothing).
                    let reachesLong = max(pressChange.start.nanoseconds + long, pressChange.resolvedAt.nanoseconds)
                    guard let release, release.resolvedAt.nanoseconds <= reachesLong else {
                        emit(names[n]!, t, reachesLong)
                        k += 2
                        continue sequences
                    }
                }
                // A short press, its release confirmed.
                let up = release!
                if n == timing.maxPresses {
                    emit(names[n]!, t, up.resolvedAt.nanoseconds)
                    k += 2
                    continue sequences
                }
                let r = up.start.nanoseconds
                if k + 2 < changes.count, changes[k + 2].start.nanoseconds < r + window {
                    n += 1
                    k += 2
                    continue
                }
                emit(names[n]!, t, waited(max(r + window, up.resolvedAt.nanoseconds)))
                k += 2
                continue sequences
            }
        }
        return result
    }
}

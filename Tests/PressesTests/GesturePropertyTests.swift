import PressTimelines
import Testing
@testable import Presses

/// Random scripts with random gesture settings (`maxPresses`, `longRelease`, `repeat`), from the
/// generators of `PropertyTests`; every failure names its seed.
@Suite struct GesturePropertyTests {
    static let cases: UInt64 = 3000

    /// `PropertyTests.randomTiming` plus random gesture settings; `repeat` in whole milliseconds
    /// from the shortest allowed, so repeats often land on edges and deadlines.
    static func randomGestureTiming(_ rng: inout SplitMix64) -> PressTiming {
        var timing = PropertyTests.randomTiming(&rng)
        timing.maxPresses = Int(rng.int(1...5))
        timing.longRelease = rng.chance(0.5)
        timing.repeat = rng.chance(0.4) ? .zero : .milliseconds(rng.chance(0.3) ? rng.int(10...40) : rng.int(41...700))
        return timing
    }

    /// An instant after the script's last edge, up to 5 s later, where a run stops.
    static func horizon(_ script: [Edge], _ rng: inout SplitMix64) -> Timestamp {
        let last = script.last?.time.nanoseconds ?? 0
        return Timestamp(nanoseconds: last + rng.int(0...5000) * 1_000_000 + (rng.chance(0.3) ? rng.int(0...999_999) : 0))
    }

    /// Ends the script released, so that a LONG's repeats stop and every decision comes.
    static func releasedAtTheEnd(_ script: [Edge], _ rng: inout SplitMix64, timing: PressTiming, minimumGap: Int64) -> [Edge] {
        guard let last = script.last, last.pressed else { return script }
        let gap = PropertyTests.interval(&rng, timing: timing, minimum: minimumGap)
        return script + [Edge(time: Timestamp(nanoseconds: last.time.nanoseconds + gap), pressed: false)]
    }

    // MARK: the defaults are the detector of before

    @Test func withTheDefaultSettingsTheDetectorDecidesAsTheLegacyOne() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 5_000_000)
            // Random durations; maxPresses, longRelease and repeat at their defaults.
            let timing = PropertyTests.randomTiming(&rng)
            let held = rng.chance(0.2)
            let script = PropertyTests.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...60)))

            var legacy = LegacyPressDetector(button: "b", timing: timing, initiallyPressed: held)
            var expected: [Press] = []
            for edge in script { legacy.feed(edge, into: &expected) }
            legacy.advance(to: farFuture, into: &expected)
            #expect(replay(script, timing: timing, initiallyPressed: held) == expected, "seed \(seed)")
            #expect(live(script, timing: timing, initiallyPressed: held) == expected, "seed \(seed): live")

            // Deadline by deadline and at a shutdown cut, the two agree as well.
            var detector = PressDetector(button: "b", timing: timing, initiallyPressed: held)
            legacy = LegacyPressDetector(button: "b", timing: timing, initiallyPressed: held)
            var got: [Press] = []
            var want: [Press] = []
            for edge in script {
                #expect(detector.nextDeadline == legacy.nextDeadline, "seed \(seed): deadline before \(edge.time)")
                detector.feed(edge, into: &got)
                legacy.feed(edge, into: &want)
            }
            #expect(detector.nextDeadline == legacy.nextDeadline, "seed \(seed): deadline after the edges")
            let cut = Self.horizon(script, &rng)
            detector.finish(at: cut, into: &got)
            legacy.finish(at: cut, into: &want)
            #expect(got == want, "seed \(seed): finish at \(cut)")
        }
    }

    // MARK: bounce

    @Test func bounceShorterThanDebounceNeverChangesAGesture() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 6_000_000)
            let debounceMs = rng.int(2...30)
            var timing = Self.randomGestureTiming(&rng)
            timing.debounce = .milliseconds(debounceMs)
            let maxBurst = rng.int(1...(debounceMs * 1_000_000 - 1))
            let held = rng.chance(0.2)
            let gap = maxBurst + timing.debounce.nanoseconds
            let clean = Self.releasedAtTheEnd(
                PropertyTests.cleanScript(&rng, timing: timing, initiallyPressed: held, minimumGap: gap, count: Int(rng.int(1...30))),
                &rng, timing: timing, minimumGap: gap)
            let bouncy = PropertyTests.bounced(clean, &rng, maxBurst: maxBurst)
            let expected = replay(clean, timing: timing, initiallyPressed: held)
            let actual = replay(bouncy, timing: timing, initiallyPressed: held)
            #expect(PropertyTests.summary(actual) == PropertyTests.summary(expected), "seed \(seed)")
            for (a, e) in zip(actual, expected) {
                let delay = a.decidedAt.nanoseconds - e.decidedAt.nanoseconds
                #expect(delay >= 0 && delay <= maxBurst, "seed \(seed): \(a.gesture) decided \(delay) ns later")
            }
        }
    }

    @Test func aGlitchShorterThanDebounceNeverChangesAGesture() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 7_000_000)
            let debounceMs = rng.int(2...30)
            var timing = Self.randomGestureTiming(&rng)
            timing.debounce = .milliseconds(debounceMs)
            let debounce = timing.debounce.nanoseconds
            let maxBurst = rng.int(1...(debounce - 1))
            let maxGlitch = rng.int(1...(debounce - 1))
            let held = rng.chance(0.2)
            let clean = Self.releasedAtTheEnd(
                PropertyTests.cleanScript(&rng, timing: timing, initiallyPressed: held, minimumGap: maxBurst + debounce,
                                          count: Int(rng.int(1...30))),
                &rng, timing: timing, minimumGap: maxBurst + debounce)
            let bouncy = PropertyTests.bounced(clean, &rng, maxBurst: rng.chance(0.5) ? maxBurst : 0)
            let noisy = PropertyTests.glitched(bouncy, &rng, debounce: debounce, maxGlitch: maxGlitch, initiallyPressed: held)
            let expected = replay(clean, timing: timing, initiallyPressed: held)
            let actual = replay(noisy, timing: timing, initiallyPressed: held)
            #expect(PropertyTests.summary(actual) == PropertyTests.summary(expected), "seed \(seed)")
            for (a, e) in zip(actual, expected) {
                let delay = a.decidedAt.nanoseconds - e.decidedAt.nanoseconds
                #expect(delay >= 0 && delay <= maxBurst + maxGlitch + debounce, "seed \(seed): \(a.gesture) decided \(delay) ns later")
            }
        }
    }

    // MARK: ticks

    @Test func extraTicksChangeNothing() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 8_000_000)
            let timing = Self.randomGestureTiming(&rng)
            let held = rng.chance(0.2)
            let script = PropertyTests.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...40)))
            let until = Self.horizon(script, &rng)
            let replayed = replay(script, timing: timing, initiallyPressed: held, until: until)

            // Ticks exactly at each deadline (checks every press is emitted at its decidedAt).
            #expect(live(script, timing: timing, initiallyPressed: held, until: until) == replayed, "seed \(seed): live")

            // Ticks at arbitrary extra instants, between edges and after them.
            var detector = PressDetector(button: "b", timing: timing, initiallyPressed: held)
            var presses: [Press] = []
            var previous: Int64 = script.first?.time.nanoseconds ?? 0
            for edge in script {
                for _ in 0..<rng.int(0...3) {
                    let tick = previous + rng.int(0...(edge.time.nanoseconds - previous))
                    previous = tick
                    detector.advance(to: Timestamp(nanoseconds: tick), into: &presses)
                }
                detector.feed(edge, into: &presses)
                previous = edge.time.nanoseconds
            }
            for _ in 0..<rng.int(0...5) {
                previous += rng.int(0...(until.nanoseconds - previous))
                detector.advance(to: Timestamp(nanoseconds: previous), into: &presses)
            }
            detector.advance(to: until, into: &presses)
            #expect(presses == replayed, "seed \(seed): random ticks")
        }
    }

    @Test func finishCutsARunAtItsInstant() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 10_000_000)
            let timing = Self.randomGestureTiming(&rng)
            let held = rng.chance(0.2)
            let script = PropertyTests.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...40)))
            let cut = Self.horizon(script, &rng)
            let ticked = replay(script, timing: timing, initiallyPressed: held, until: cut)
            // `replay` checks that nothing is pending after the shutdown: no repeat comes later.
            let finished = replay(script, timing: timing, initiallyPressed: held, finishAt: cut)
            // Everything decided by the cut is as in a run that just reached it...
            #expect(Array(finished.prefix(ticked.count)) == ticked, "seed \(seed)")
            // ...and shutdown decides, at the cut, at most one pending gesture, with only the
            // repeats already due (deferred by a burst) besides.
            let forced = finished.dropFirst(ticked.count)
            #expect(forced.allSatisfy { $0.decidedAt == cut && $0.pressedAt <= cut }, "seed \(seed)")
            #expect(forced.filter { $0.gesture.name != .longRepeat }.count <= 1, "seed \(seed)")
        }
    }

    // MARK: the reference model

    @Test func theDetectorAgreesWithTheGestureReferenceModel() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 9_000_000)
            let timing = Self.randomGestureTiming(&rng)
            let held = rng.chance(0.2)
            let script = PropertyTests.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...60)))
            let until = Self.horizon(script, &rng)
            let expected = ReferenceModel.gestures(script, button: "b", timing: timing, initiallyPressed: held, until: until)
            #expect(replay(script, timing: timing, initiallyPressed: held, until: until) == expected,
                    "seed \(seed): maxPresses \(timing.maxPresses), longRelease \(timing.longRelease), repeat \(timing.repeat)")
        }
    }

    @Test func theGestureReferenceModelAgreesWithTheWorkedTimelines() {
        // Guards the guard, as `PropertyTests` does for the 1-Click model.
        let rows: [(String, PressTiming, [Press])] = [
            ("d0 u100 d300 u380", PressTiming(maxPresses: 3), [gesture(.double, 0, 780)]),
            ("d0 u100 d300 u380 d600 u680", PressTiming(maxPresses: 3), [gesture(.triple, 0, 700)]),
            ("d0 u100 d300 u380 d770 u772", PressTiming(maxPresses: 3), [gesture(.double, 0, 792)]),
            ("d0 u100 d300 u1790", PressTiming(maxPresses: 3), [gesture(.double, 0, 2190)]),
            ("d0 u100 d300 u1790 d1795 u3000", PressTiming(maxPresses: 3), [gesture(.double, 0, 1815)]),
            ("d0 u50 d150 u200 d300 u350 d450 u3000", PressTiming(maxPresses: 5), [gesture(.quadruple, 0, 1950)]),
            ("d0 u120", PressTiming(maxPresses: 1), [gesture(.single, 0, 140)]),
            ("d0 u2200 d2203 u2205", PressTiming(longRelease: true),
             [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2225)]),
            ("d0 u2490 d2495 u3100", PressTiming(repeat: .milliseconds(500)),
             [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2515),
              gesture(.longRepeat(count: 3), 0, 3000)]),
            ("d0 u2490", PressTiming(repeat: .milliseconds(500)), [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000)]),
        ]
        for (script, timing, expected) in rows {
            #expect(ReferenceModel.gestures(edges(script), button: "b", timing: timing, initiallyPressed: false,
                                            until: farFuture) == expected, "\(script)")
        }
    }
}

import PressTimelines
import Testing
@testable import Presses

/// Random scripts from a seeded generator; every failure names its seed.
@Suite struct PropertyTests {
    static let cases: UInt64 = 3000

    // MARK: generators

    /// Timing in whole milliseconds, so random edges often land exactly on deadlines.
    static func randomTiming(_ rng: inout SplitMix64) -> PressTiming {
        PressTiming(
            debounce: .milliseconds(rng.int(0...30)),
            long: .milliseconds(rng.chance(0.1) ? rng.int(0...40) : rng.int(200...2000)),
            doubleWindow: .milliseconds(rng.chance(0.15) ? rng.int(0...30) : rng.int(50...600)))
    }

    /// A gap between changes, biased towards the boundaries of the semantics.
    static func interval(_ rng: inout SplitMix64, timing: PressTiming, minimum: Int64) -> Int64 {
        let long = timing.long.nanoseconds
        let window = timing.doubleWindow.nanoseconds
        let value: Int64
        switch rng.int(0...5) {
        case 0: value = long + rng.int(-3...3) * 1_000_000
        case 1: value = window + rng.int(-3...3) * 1_000_000
        case 2: value = rng.int(0...3000) * 1_000_000
        default: value = rng.int(0...400) * 1_000_000
        }
        return max(value, minimum)
    }

    /// A clean script: alternating changes, each at least `minimumGap` after the previous one.
    static func cleanScript(_ rng: inout SplitMix64, timing: PressTiming, initiallyPressed: Bool,
                            minimumGap: Int64, count: Int) -> [Edge] {
        var time: Int64 = rng.int(0...100) * 1_000_000
        var pressed = !initiallyPressed
        var result: [Edge] = []
        for _ in 0..<count {
            result.append(Edge(time: Timestamp(nanoseconds: time), pressed: pressed))
            pressed.toggle()
            time += interval(&rng, timing: timing, minimum: minimumGap)
        }
        return result
    }

    /// Adds a bounce burst after each change: toggles within `maxBurst` nanoseconds of it,
    /// ending at the change's level.
    static func bounced(_ clean: [Edge], _ rng: inout SplitMix64, maxBurst: Int64) -> [Edge] {
        var result: [Edge] = []
        for edge in clean {
            result.append(edge)
            guard maxBurst > 0, rng.chance(0.8) else { continue }
            let pairs = Int(rng.int(1...4))
            var offsets = (0..<(pairs * 2)).map { _ in rng.int(1...maxBurst) }
            offsets.sort()
            for (i, offset) in offsets.enumerated() {
                // Odd positions go back to the old level, even ones forward again; ends at the new level.
                result.append(Edge(time: Timestamp(nanoseconds: edge.time.nanoseconds + offset), pressed: i % 2 == 0 ? !edge.pressed : edge.pressed))
            }
        }
        return result
    }

    /// Adds glitches shorter than debounce, each isolated: at least `debounce` after the end of
    /// the previous burst and ending at least `debounce` before the next edge.
    static func glitched(_ script: [Edge], _ rng: inout SplitMix64, debounce: Int64, maxGlitch: Int64,
                         initiallyPressed: Bool) -> [Edge] {
        var result: [Edge] = []
        var level = initiallyPressed
        for (i, edge) in script.enumerated() {
            result.append(edge)
            level = edge.pressed
            guard i + 1 < script.count else { continue }
            let next = script[i + 1].time.nanoseconds
            // Only in gaps between bursts: the next edge starts a new change (level differs).
            guard script[i + 1].pressed != level || next - edge.time.nanoseconds >= debounce else { continue }
            let length = rng.int(1...maxGlitch)
            let earliest = edge.time.nanoseconds + debounce
            let latest = next - debounce - length
            guard earliest <= latest, rng.chance(0.5) else { continue }
            let start = rng.int(earliest...latest)
            result.append(Edge(time: Timestamp(nanoseconds: start), pressed: !level))
            result.append(Edge(time: Timestamp(nanoseconds: start + length), pressed: level))
        }
        return result
    }

    /// Arbitrary edges: bursts, repeats, simultaneous edges, gaps near the deadlines.
    static func arbitraryScript(_ rng: inout SplitMix64, timing: PressTiming, count: Int) -> [Edge] {
        var time: Int64 = rng.int(0...50) * 1_000_000
        var pressed = rng.chance(0.5)
        var result: [Edge] = []
        for _ in 0..<count {
            if !rng.chance(0.05) { pressed.toggle() }  // sometimes a repeated level
            result.append(Edge(time: Timestamp(nanoseconds: time), pressed: pressed))
            switch rng.int(0...9) {
            case 0: break  // simultaneous
            case 1: time += timing.debounce.nanoseconds  // exactly at the confirmation
            case 2, 3: time += rng.int(0...25) * 1_000_000 + (rng.chance(0.3) ? rng.int(0...999_999) : 0)
            default: time += interval(&rng, timing: timing, minimum: 0)
            }
        }
        return result
    }

    static func summary(_ presses: [Press]) -> [String] {
        presses.map { "\($0.gesture)@\($0.pressedAt)" }
    }

    // MARK: properties

    @Test func bounceShorterThanDebounceNeverChangesTheClassification() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed)
            let debounceMs = rng.int(2...30)
            var timing = Self.randomTiming(&rng)
            timing.debounce = .milliseconds(debounceMs)
            let maxBurst = rng.int(1...(debounceMs * 1_000_000 - 1))
            let held = rng.chance(0.2)
            // Changes far enough apart that each burst settles before the next change begins.
            let clean = Self.cleanScript(&rng, timing: timing, initiallyPressed: held,
                                         minimumGap: maxBurst + timing.debounce.nanoseconds, count: Int(rng.int(1...30)))
            let bouncy = Self.bounced(clean, &rng, maxBurst: maxBurst)
            let expected = replay(clean, timing: timing, initiallyPressed: held)
            let actual = replay(bouncy, timing: timing, initiallyPressed: held)
            #expect(Self.summary(actual) == Self.summary(expected), "seed \(seed)")
            for (a, e) in zip(actual, expected) {
                let delay = a.decidedAt.nanoseconds - e.decidedAt.nanoseconds
                #expect(delay >= 0 && delay <= maxBurst, "seed \(seed): decided \(delay) ns later")
            }
        }
    }

    @Test func aGlitchShorterThanDebounceNeverChangesTheClassification() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 1_000_000)
            let debounceMs = rng.int(2...30)
            var timing = Self.randomTiming(&rng)
            timing.debounce = .milliseconds(debounceMs)
            let debounce = timing.debounce.nanoseconds
            let maxBurst = rng.int(1...(debounce - 1))
            let maxGlitch = rng.int(1...(debounce - 1))
            let held = rng.chance(0.2)
            let clean = Self.cleanScript(&rng, timing: timing, initiallyPressed: held,
                                         minimumGap: maxBurst + debounce, count: Int(rng.int(1...30)))
            let bouncy = Self.bounced(clean, &rng, maxBurst: rng.chance(0.5) ? maxBurst : 0)
            let noisy = Self.glitched(bouncy, &rng, debounce: debounce, maxGlitch: maxGlitch, initiallyPressed: held)
            let expected = replay(clean, timing: timing, initiallyPressed: held)
            let actual = replay(noisy, timing: timing, initiallyPressed: held)
            #expect(Self.summary(actual) == Self.summary(expected), "seed \(seed)")
            for (a, e) in zip(actual, expected) {
                let delay = a.decidedAt.nanoseconds - e.decidedAt.nanoseconds
                #expect(delay >= 0 && delay <= maxBurst + maxGlitch + debounce, "seed \(seed): decided \(delay) ns later")
            }
        }
    }

    @Test func liveTicksAtAnyInstantsGiveTheSameResultAsReplay() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 2_000_000)
            let timing = Self.randomTiming(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...40)))
            let replayed = replay(script, timing: timing, initiallyPressed: held)

            // Ticks exactly at each deadline (checks every press is emitted at its decidedAt).
            #expect(live(script, timing: timing, initiallyPressed: held) == replayed, "seed \(seed): live")

            // Ticks at arbitrary extra instants between edges, never at deadlines on purpose.
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
                previous += rng.int(0...800) * 1_000_000
                detector.advance(to: Timestamp(nanoseconds: previous), into: &presses)
            }
            detector.advance(to: farFuture, into: &presses)
            #expect(presses == replayed, "seed \(seed): random ticks")
        }
    }

    @Test func finishCutsReplayAtItsInstantAndDecidesAtMostOnePendingPress() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 4_000_000)
            let timing = Self.randomTiming(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...40)))
            let full = replay(script, timing: timing, initiallyPressed: held)
            let last = script.last?.time.nanoseconds ?? 0
            let cut = Timestamp(nanoseconds: last + rng.int(0...2500) * 1_000_000 + (rng.chance(0.5) ? rng.int(0...999_999) : 0))
            let finished = replay(script, timing: timing, initiallyPressed: held, finishAt: cut)
            // Everything decided by the cut is as in the full replay...
            let before = full.filter { $0.decidedAt <= cut }
            #expect(Array(finished.prefix(before.count)) == before, "seed \(seed)")
            // ...and shutdown decides at most the one pending press, at the cut.
            let forced = finished.dropFirst(before.count)
            #expect(forced.count <= 1, "seed \(seed)")
            #expect(forced.allSatisfy { $0.decidedAt == cut && $0.pressedAt <= cut }, "seed \(seed)")
            // It is the press the full replay decides later (no edges follow the cut), by its
            // first press: only its type and instant may differ.
            #expect(forced.map(\.pressedAt) == full.dropFirst(before.count).map(\.pressedAt), "seed \(seed)")
        }
    }

    @Test func theDetectorAgreesWithTheReferenceModel() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 3_000_000)
            let timing = Self.randomTiming(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...60)))
            let expected = ReferenceModel.presses(script, button: "b", timing: timing, initiallyPressed: held)
            #expect(replay(script, timing: timing, initiallyPressed: held) == expected, "seed \(seed)")
        }
    }

    @Test func theReferenceModelAgreesWithTheWorkedTimelines() {
        // Guards the guard: the reference model gives the worked timelines' answers too (ARCHITECTURE.md).
        let timing = PressTiming.default
        let rows: [(String, [Press])] = [
            ("d0 u120", [press(.single, 0, 520)]),
            ("d0 u100 d300 u380 d382 u385", [press(.double, 0, 405)]),
            ("d0 u2200", [press(.long, 0, 1500)]),
            ("d0 u100 d395 u400 d405 u410 d415 u480", [press(.double, 0, 500)]),
            ("d0 u100 d300 u380 d600 u680", [press(.double, 0, 400), press(.single, 600, 1080)]),
            ("d0 u50 d52 u120", [press(.single, 0, 520)]),
            ("d0 u1490 d1495", [press(.long, 0, 1515)]),
            ("d0 u100 d490 u492", [press(.single, 0, 512)]),
            ("d0 u100 d300 u1790", [press(.double, 0, 1800)]),
        ]
        for (script, expected) in rows {
            #expect(ReferenceModel.presses(edges(script), button: "b", timing: timing, initiallyPressed: false) == expected, "\(script)")
        }
        #expect(ReferenceModel.presses(edges("d0 u120"), button: "b", timing: PressTiming(doubleWindow: .zero), initiallyPressed: false)
                == [press(.single, 0, 140)])
    }
}

import PressTimelines
import Testing
@testable import Presses

/// Random scripts from a seeded generator; every failure names its seed. Each property runs on
/// two timing draws: the 1-Click rules (random durations, gesture settings at their defaults) and
/// random gesture settings on top.
@Suite struct PropertyTests {
    static let cases: UInt64 = 3000

    /// The timings a property draws.
    enum TimingDraw: CaseIterable, CustomStringConvertible {
        case oneClick
        case gestures

        var description: String { self == .oneClick ? "1-Click timings" : "gesture timings" }

        func timing(_ rng: inout SplitMix64) -> PressTiming {
            self == .oneClick ? PropertyTests.randomTiming(&rng) : PropertyTests.randomGestureTiming(&rng)
        }

        /// Added to each property's own seed offset: each draw has seeds of its own.
        var seedBase: UInt64 { self == .oneClick ? 0 : 6_000_000 }

        /// Where a run stops. With `repeat` on, a LONG held at the end of a script repeats for
        /// ever, so gesture runs stop at a random instant after the last edge; 1-Click runs go to
        /// the end (nil).
        func horizon(_ script: [Edge], _ rng: inout SplitMix64) -> Timestamp? {
            self == .oneClick ? nil : PropertyTests.horizon(script, &rng)
        }

        /// A clean script for the replays that must end: with gestures, ended released so that a
        /// LONG's repeats stop.
        func ending(_ script: [Edge], _ rng: inout SplitMix64, timing: PressTiming, minimumGap: Int64) -> [Edge] {
            self == .oneClick ? script : PropertyTests.releasedAtTheEnd(script, &rng, timing: timing, minimumGap: minimumGap)
        }

        /// The independent model of the draw's rules.
        func reference(_ script: [Edge], timing: PressTiming, initiallyPressed: Bool, until: Timestamp?) -> [Press] {
            switch self {
            case .oneClick: ReferenceModel.presses(script, button: "b", timing: timing, initiallyPressed: initiallyPressed)
            case .gestures: ReferenceModel.gestures(script, button: "b", timing: timing, initiallyPressed: initiallyPressed,
                                                    until: until ?? farFuture)
            }
        }
    }

    // MARK: generators

    /// Timing in whole milliseconds, so random edges often land exactly on deadlines.
    static func randomTiming(_ rng: inout SplitMix64) -> PressTiming {
        PressTiming(
            debounce: .milliseconds(rng.int(0...30)),
            long: .milliseconds(rng.chance(0.1) ? rng.int(0...40) : rng.int(200...2000)),
            doubleWindow: .milliseconds(rng.chance(0.15) ? rng.int(0...30) : rng.int(50...600)))
    }

    /// `randomTiming` plus random gesture settings; `repeat` in whole milliseconds from the
    /// shortest allowed, so repeats often land on edges and deadlines.
    static func randomGestureTiming(_ rng: inout SplitMix64) -> PressTiming {
        var timing = randomTiming(&rng)
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
        let gap = interval(&rng, timing: timing, minimum: minimumGap)
        return script + [Edge(time: Timestamp(nanoseconds: last.time.nanoseconds + gap), pressed: false)]
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

    // MARK: properties, on both timing draws

    @Test(arguments: TimingDraw.allCases)
    func bounceShorterThanDebounceNeverChangesAGesture(_ draw: TimingDraw) {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ draw.seedBase)
            let debounceMs = rng.int(2...30)
            var timing = draw.timing(&rng)
            timing.debounce = .milliseconds(debounceMs)
            let maxBurst = rng.int(1...(debounceMs * 1_000_000 - 1))
            let held = rng.chance(0.2)
            // Changes far enough apart that each burst settles before the next change begins.
            let gap = maxBurst + timing.debounce.nanoseconds
            let clean = draw.ending(Self.cleanScript(&rng, timing: timing, initiallyPressed: held, minimumGap: gap, count: Int(rng.int(1...30))),
                                    &rng, timing: timing, minimumGap: gap)
            let bouncy = Self.bounced(clean, &rng, maxBurst: maxBurst)
            let expected = replay(clean, timing: timing, initiallyPressed: held)
            let actual = replay(bouncy, timing: timing, initiallyPressed: held)
            #expect(Self.summary(actual) == Self.summary(expected), "seed \(seed)")
            for (a, e) in zip(actual, expected) {
                let delay = a.decidedAt.nanoseconds - e.decidedAt.nanoseconds
                #expect(delay >= 0 && delay <= maxBurst, "seed \(seed): \(a.gesture) decided \(delay) ns later")
            }
        }
    }

    @Test(arguments: TimingDraw.allCases)
    func aGlitchShorterThanDebounceNeverChangesAGesture(_ draw: TimingDraw) {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ draw.seedBase &+ 1_000_000)
            let debounceMs = rng.int(2...30)
            var timing = draw.timing(&rng)
            timing.debounce = .milliseconds(debounceMs)
            let debounce = timing.debounce.nanoseconds
            let maxBurst = rng.int(1...(debounce - 1))
            let maxGlitch = rng.int(1...(debounce - 1))
            let held = rng.chance(0.2)
            let clean = draw.ending(Self.cleanScript(&rng, timing: timing, initiallyPressed: held, minimumGap: maxBurst + debounce,
                                                     count: Int(rng.int(1...30))),
                                    &rng, timing: timing, minimumGap: maxBurst + debounce)
            let bouncy = Self.bounced(clean, &rng, maxBurst: rng.chance(0.5) ? maxBurst : 0)
            let noisy = Self.glitched(bouncy, &rng, debounce: debounce, maxGlitch: maxGlitch, initiallyPressed: held)
            let expected = replay(clean, timing: timing, initiallyPressed: held)
            let actual = replay(noisy, timing: timing, initiallyPressed: held)
            #expect(Self.summary(actual) == Self.summary(expected), "seed \(seed)")
            for (a, e) in zip(actual, expected) {
                let delay = a.decidedAt.nanoseconds - e.decidedAt.nanoseconds
                #expect(delay >= 0 && delay <= maxBurst + maxGlitch + debounce, "seed \(seed): \(a.gesture) decided \(delay) ns later")
            }
        }
    }

    @Test(arguments: TimingDraw.allCases)
    func extraTicksChangeNothing(_ draw: TimingDraw) {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ draw.seedBase &+ 2_000_000)
            let timing = draw.timing(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...40)))
            let until = draw.horizon(script, &rng)
            let replayed = replay(script, timing: timing, initiallyPressed: held, until: until)

            // Ticks exactly at each deadline (checks every press is emitted at its decidedAt).
            #expect(live(script, timing: timing, initiallyPressed: held, until: until) == replayed, "seed \(seed): live")

            // Ticks at arbitrary extra instants, between edges and after them, never at deadlines on purpose.
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
                // Up to the horizon; or, running to the end, up to 0.8 s at a time.
                if let until {
                    previous += rng.int(0...(until.nanoseconds - previous))
                } else {
                    previous += rng.int(0...800) * 1_000_000
                }
                detector.advance(to: Timestamp(nanoseconds: previous), into: &presses)
            }
            detector.advance(to: until ?? farFuture, into: &presses)
            #expect(presses == replayed, "seed \(seed): random ticks")
        }
    }

    @Test(arguments: TimingDraw.allCases)
    func finishCutsARunAtItsInstantAndDecidesAtMostOnePendingGesture(_ draw: TimingDraw) {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ draw.seedBase &+ 4_000_000)
            let timing = draw.timing(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...40)))
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
            // Without repeats a run has an end: the gesture forced at the cut is the one the full
            // run decides later (no edges follow the cut), by its first press; only its kind and
            // instant may differ.
            if timing.repeat == .zero {
                let full = replay(script, timing: timing, initiallyPressed: held)
                #expect(forced.map(\.pressedAt) == full.dropFirst(ticked.count).map(\.pressedAt), "seed \(seed): full run")
            }
        }
    }

    @Test(arguments: TimingDraw.allCases)
    func theDetectorAgreesWithTheReferenceModel(_ draw: TimingDraw) {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ draw.seedBase &+ 3_000_000)
            let timing = draw.timing(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...60)))
            let until = draw.horizon(script, &rng)
            let expected = draw.reference(script, timing: timing, initiallyPressed: held, until: until)
            #expect(replay(script, timing: timing, initiallyPressed: held, until: until) == expected,
                    "seed \(seed): maxPresses \(timing.maxPresses), longRelease \(timing.longRelease), repeat \(timing.repeat)")
        }
    }

    // MARK: the defaults are the detector of before

    @Test func withTheDefaultSettingsTheDetectorDecidesAsTheLegacyOne() {
        for seed in 1...Self.cases {
            var rng = SplitMix64(seed: seed &+ 5_000_000)
            // Random durations; maxPresses, longRelease and repeat at their defaults.
            let timing = Self.randomTiming(&rng)
            let held = rng.chance(0.2)
            let script = Self.arbitraryScript(&rng, timing: timing, count: Int(rng.int(0...60)))

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

    // MARK: the models against the worked timelines

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

    @Test func theGestureReferenceModelAgreesWithTheGestureTimelines() {
        // Guards the guard for the gesture model, on every worked timeline that runs to an end or
        // a horizon (the model has no shutdown).
        for row in WorkedTimeline.gestures where row.finishAt == nil {
            let until = row.until.map(ms) ?? farFuture
            #expect(ReferenceModel.gestures(row.edges, button: "b", timing: row.timing, initiallyPressed: row.initiallyPressed,
                                            until: until) == row.expected, "\(row)")
        }
    }
}

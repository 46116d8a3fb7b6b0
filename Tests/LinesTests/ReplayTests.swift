import Lines
import Presses
import Testing

@Suite struct ReplayTests {
    static func ms(_ v: Int64) -> Timestamp { .milliseconds(v) }

    static func replay(_ s: SimulatedButton, timing: PressTiming? = nil) -> [Press] {
        TraceReplay.presses(of: s.trace, timing: timing)
    }

    // Worked timelines of ARCHITECTURE.md ("Press rules"), on clean edges: decisions carry their
    // semantic time even though each trace ends at its last edge.
    @Test func singleIsDecidedWhenTheWindowCloses() {
        let p = Self.replay(SimulatedButton().press(for: .milliseconds(120)))
        #expect(p == [Press(button: "button", clickType: .single, pressedAt: Self.ms(0), decidedAt: Self.ms(520))])
    }

    @Test func doubleIsDecidedWhenTheSecondReleaseIsConfirmed() {
        let s = SimulatedButton().press(for: .milliseconds(100)).wait(.milliseconds(200)).press(for: .milliseconds(80))
        #expect(Self.replay(s) == [Press(button: "button", clickType: .double, pressedAt: Self.ms(0), decidedAt: Self.ms(400))])
    }

    @Test func longIsDecidedAtTheThresholdWhileHeld() {
        let held = SimulatedButton().hold(.milliseconds(2200))
        #expect(Self.replay(held) == [Press(button: "button", clickType: .long, pressedAt: Self.ms(0), decidedAt: Self.ms(1500))])
        // A recording that stops while the button is still down is advanced to the threshold.
        let cut = SimulatedButton().down()
        #expect(Self.replay(cut) == [Press(button: "button", clickType: .long, pressedAt: Self.ms(0), decidedAt: Self.ms(1500))])
    }

    @Test func tripleClickIsDoubleThenSingle() {
        let s = SimulatedButton().press(for: .milliseconds(100)).wait(.milliseconds(200)).press(for: .milliseconds(80))
            .wait(.milliseconds(220)).press(for: .milliseconds(80))
        #expect(Self.replay(s).map(\.clickType) == [.double, .single])
        #expect(Self.replay(s).map(\.decidedAt) == [Self.ms(400), Self.ms(1080)])
        #expect(Self.replay(s).map(\.pressedAt) == [Self.ms(0), Self.ms(600)])
    }

    @Test func windowZeroDecidesAtReleaseConfirmation() {
        let p = Self.replay(SimulatedButton().press(for: .milliseconds(120)), timing: PressTiming(doubleWindow: .zero))
        #expect(p.map(\.decidedAt) == [Self.ms(140)])
    }

    @Test func theTracesOwnTimingIsTheDefaultAndAnArgumentOverridesIt() {
        var t = SimulatedButton().press(for: .milliseconds(120)).trace
        t.timing = PressTiming(doubleWindow: .milliseconds(250))
        #expect(TraceReplay.presses(of: t).map(\.decidedAt) == [Self.ms(370)])
        #expect(TraceReplay.presses(of: t, timing: .default).map(\.decidedAt) == [Self.ms(520)])
    }

    @Test func perButtonTimings() {
        let a = SimulatedButton(name: "a").press(for: .milliseconds(120))
        let b = SimulatedButton(name: "b").press(for: .milliseconds(120))
        let p = TraceReplay.presses(of: SimulatedButton.trace([a, b]), timings: ["b": PressTiming(doubleWindow: .milliseconds(100))])
        #expect(p.map(\.button) == ["b", "a"])
        #expect(p.map(\.decidedAt) == [Self.ms(220), Self.ms(520)])
    }

    @Test func buttonsAreMergedInDecisionOrder() {
        let a = SimulatedButton(name: "a").hold(.seconds(2))                        // LONG at 1500
        let b = SimulatedButton(name: "b", start: Self.ms(100)).click()             // SINGLE at 600
        let c = SimulatedButton(name: "c", start: Self.ms(100)).click()             // SINGLE at 600, after b
        let p = TraceReplay.presses(of: SimulatedButton.trace([a, b, c]))
        #expect(p.map(\.button) == ["b", "c", "a"])
        #expect(p.map(\.decidedAt) == [Self.ms(600), Self.ms(600), Self.ms(1500)])
    }

    @Test func aButtonHeldAtStartMakesNoPressUntilReleased() {
        var t = SimulatedButton().down().wait(.milliseconds(1)).trace
        t.edges = [SourceEdge(button: 0, edge: Edge(time: Self.ms(300), pressed: false))]
        t.initiallyPressed = [true]
        #expect(TraceReplay.presses(of: t).isEmpty)
    }

    @Test func streamingGivesTheSamePresses() {
        let s = SimulatedButton(seed: 11).tripleClick(bounce: 3).wait(.seconds(1)).hold(bounce: 2).wait(.seconds(1)).click(bounce: 4)
        var streamed: [Press] = []
        TraceReplay.replay(s.trace) { streamed.append($0) }
        #expect(streamed == TraceReplay.presses(of: s.trace))
        #expect(streamed.map(\.clickType) == [.double, .single, .long, .single])
    }

    /// Property: bounce shorter than the debounce never changes the classification, whatever
    /// its number of edges or its timing (seeded).
    @Test func bounceNeverChangesTheClassification() {
        let gestures: [(String, (SimulatedButton, Int) -> SimulatedButton)] = [
            ("single", { $0.click(.milliseconds(130), bounce: $1) }),
            ("double", { $0.doubleClick(gap: .milliseconds(200), bounce: $1) }),
            ("long", { $0.hold(.seconds(1.8), bounce: $1) }),
            ("second held", { $0.click(bounce: $1).wait(.milliseconds(150)).hold(bounce: $1) }),
            ("triple", { $0.tripleClick(gap: .milliseconds(180), bounce: $1) }),
        ]
        for (name, gesture) in gestures {
            let clean = Self.replay(gesture(SimulatedButton(), 0))
            for seed in UInt64(1)...40 {
                let bouncy = Self.replay(gesture(SimulatedButton(seed: seed), Int(seed % 9)))
                #expect(bouncy.map(\.clickType) == clean.map(\.clickType), "\(name), seed \(seed)")
                #expect(bouncy.map(\.pressedAt) == clean.map(\.pressedAt), "\(name), seed \(seed)")
                // Decisions may move by at most the bounce span (a DOUBLE waits for the burst to settle).
                for (b, c) in zip(bouncy, clean) {
                    #expect(b.decidedAt >= c.decidedAt && b.decidedAt - c.decidedAt <= .milliseconds(6), "\(name), seed \(seed)")
                }
            }
        }
    }
}

import Lines
import Presses
import Testing

@Suite struct SimulatedButtonTests {
    @Test func pressIsTimedFromFirstEdgeToFirstEdge() {
        let s = SimulatedButton(start: .milliseconds(1000)).press(for: .milliseconds(120))
        #expect(s.edges == [Edge(time: .milliseconds(1000), pressed: true), Edge(time: .milliseconds(1120), pressed: false)])
        #expect(s.now == .milliseconds(1120))
        #expect(!s.isPressed)
    }

    @Test func bounceBurstsStayWithinTheirSpanAndSettle() {
        for seed in UInt64(1)...50 {
            for bounce in 1...8 {
                let s = SimulatedButton(seed: seed).down(bounce: bounce)
                #expect(s.edges.count == 1 + 2 * bounce)
                #expect(s.edges.first?.time == .milliseconds(0))
                #expect(s.edges.last!.time - s.edges.first!.time <= .milliseconds(6))
                #expect(s.edges.last?.pressed == true)
                // Levels alternate and times never decrease.
                for i in s.edges.indices.dropFirst() {
                    #expect(s.edges[i].pressed != s.edges[i - 1].pressed)
                    #expect(s.edges[i].time > s.edges[i - 1].time)
                }
            }
        }
    }

    @Test func bounceIsReproducibleBySeed() {
        #expect(SimulatedButton(seed: 3).click(bounce: 4).edges == SimulatedButton(seed: 3).click(bounce: 4).edges)
        #expect(SimulatedButton(seed: 3).click(bounce: 4).edges != SimulatedButton(seed: 4).click(bounce: 4).edges)
    }

    @Test func glitchIsASpikeThatDoesNotMoveTheClock() {
        let s = SimulatedButton().wait(.milliseconds(50)).glitch()
        #expect(s.edges == [Edge(time: .milliseconds(50), pressed: true), Edge(time: .milliseconds(52), pressed: false)])
        #expect(s.now == .milliseconds(50))
        let held = SimulatedButton().down().wait(.milliseconds(50)).glitch(.milliseconds(1))
        #expect(held.edges.suffix(2) == [Edge(time: .milliseconds(50), pressed: false), Edge(time: .milliseconds(51), pressed: true)])
        #expect(TraceReplay.presses(of: held.wait(.milliseconds(80)).up().trace).map(\.clickType) == [.single])
    }

    @Test func gesturesComposeAndScriptsAreValues() {
        let prefix = SimulatedButton().click()
        let a = prefix.wait(.seconds(1)).hold()
        let b = prefix.wait(.milliseconds(150)).click()
        #expect(prefix.edges.count == 2)
        #expect(TraceReplay.presses(of: a.trace).map(\.clickType) == [.single, .long])
        #expect(TraceReplay.presses(of: b.trace).map(\.clickType) == [.double])
        let d = SimulatedButton().doubleClick(.milliseconds(90), gap: .milliseconds(120))
        #expect(d.edges.map(\.time) == [0, 90, 210, 300].map { Timestamp.milliseconds($0) })
        #expect(SimulatedButton().tripleClick().edges.count == 6)
    }

    @Test func scriptsMergeIntoOneTrace() {
        let a = SimulatedButton(name: "A").click()
        let b = SimulatedButton(name: "B", start: .milliseconds(50)).click()
        let t = SimulatedButton.trace([a, b])
        #expect(t.buttons == ["A", "B"])
        #expect(t.edges.map(\.button) == [0, 1, 0, 1])
        #expect(t.source == "simulated")
        // And the merged trace is a valid native document.
        #expect(throws: Never.self) { try TraceReader.read(text: NativeTraceWriter.document(t)) }
    }
}

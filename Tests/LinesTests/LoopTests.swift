import Foundation
import Lines
import Presses
import Testing

@Suite("Live event loop")
struct LoopTests {
    /// single, double (with bounces) and long on one button, and a second button interleaved.
    static let trace = Trace(
        buttons: ["a", "b"],
        edges: (edges(0, [(0, true), (1, false), (2, true), (60, false)])  // SINGLE
            + edges(1, [(10, true), (40, false), (70, true), (100, false)])  // DOUBLE
            + edges(0, [(200, true), (230, false), (231, true), (233, false), (260, true), (300, false)])  // DOUBLE, bouncy
            + edges(1, [(300, true), (600, false)])  // LONG
        ).sorted { $0.edge.time < $1.edge.time })

    @Test("a trace replayed live through the loop gives exactly the presses of an instant replay")
    func liveEqualsReplay() throws {
        let (source, offset) = try TimedEdgeSource.replaying(Self.trace, startingAt: MonotonicClock.now() + .milliseconds(20))
        var live: [Press] = []
        var liveEdges: [(Int, Edge)] = []
        let loop = try EventLoop { event in
            switch event {
            case .press(_, let p): live.append(shifted(p, by: offset))
            case .edge(let b, let e): liveEdges.append((b, e))
            case .notice: break
            }
        }
        loop.add(source, timing: quickTiming)
        try loop.run(until: .whenSourcesFinish)

        let expected = replayPresses(Self.trace, timing: quickTiming)
        #expect(expected.map(\.gesture.name.rawValue).sorted() == ["DOUBLE", "DOUBLE", "LONG", "SINGLE"])
        #expect(canonical(live) == canonical(expected))
        #expect(liveEdges.count == Self.trace.edges.count)
        #expect(liveEdges.map { $0.1.time.nanoseconds - offset.nanoseconds } == Self.trace.edges.map(\.edge.time.nanoseconds))
        #expect(source.isFinished && source.descriptors.isEmpty)
    }

    @Test("stop() from another thread makes the pending decision at once and closes the sources")
    func stopFinishesPending() throws {
        let source = PipeSource(buttons: ["pipe"])
        let presses = Locked<[Press]>([])
        let loop = try EventLoop { event in
            if case .press(_, let p) = event { presses.withLock { $0.append(p) } }
        }
        // A long double window: the SINGLE would normally come 10 s after the release.
        loop.add(source, timing: PressTiming(debounce: .milliseconds(5), long: .seconds(5), doubleWindow: .seconds(10)))
        let t0 = MonotonicClock.now()
        source.send(button: 0, pressed: true, at: t0)
        source.send(button: 0, pressed: false, at: t0 + .milliseconds(50))
        let done = Locked(false)
        let thread = Thread {
            try? loop.run()
            done.withLock { $0 = true }
        }
        thread.start()
        // Wait until the loop has read the edges (no timed assertion: only the order matters).
        while source.pendingBytes > 0 { usleep(1000) }
        usleep(20_000)
        #expect(presses.withLock { $0.isEmpty })
        loop.stop()
        while !done.withLock({ $0 }) { usleep(1000) }
        let got = presses.withLock { $0 }
        #expect(got.map(\.clickType) == [.single])
        #expect(got.first?.pressedAt == t0)
        #expect(source.closeCount == 1)
    }

    @Test("eight buttons over four sources (pipes and a timed source) match per-button replay")
    func manyButtons() throws {
        let pipes = (0..<3).map { i in PipeSource(buttons: ["p\(i)a", "p\(i)b"]) }
        let base = MonotonicClock.now() + .milliseconds(10)
        // Each button gets its own pattern, shifted by its index so the sources interleave.
        let patterns: [[(Int64, Bool)]] = [
            [(0, true), (30, false)],  // SINGLE
            [(0, true), (20, false), (50, true), (70, false)],  // DOUBLE
            [(0, true), (2, false), (3, true), (300, false)],  // LONG with a bounce
        ]
        var reference = Trace(buttons: [], edges: [])
        var allPresses: [Press] = []
        let loop = try EventLoop { event in
            if case .press(_, let p) = event { allPresses.append(p) }
        }
        for (i, pipe) in pipes.enumerated() {
            loop.add(pipe, timing: quickTiming)
            for b in 0..<2 {
                let n = i * 2 + b
                let pattern = patterns[n % patterns.count]
                for (ms, pressed) in pattern {
                    pipe.send(button: b, pressed: pressed, at: base + .milliseconds(ms + Int64(n) * 7))
                }
                reference.buttons.append(pipe.buttons[b])
                let idx = reference.buttons.count - 1
                reference.edges += pattern.map { SourceEdge(button: idx, edge: Edge(time: base + .milliseconds($0.0 + Int64(n) * 7), pressed: $0.1)) }
            }
            pipe.hangUp()
        }
        let timedTrace = Trace(buttons: ["t0", "t1"], edges: (edges(0, [(0, true), (40, false)]) + edges(1, [(5, true), (300, false)])).sorted { $0.edge.time < $1.edge.time })
        let (timed, offset) = try TimedEdgeSource.replaying(timedTrace, startingAt: base)
        loop.add(timed, timing: quickTiming)
        reference.buttons += ["t0", "t1"]
        reference.edges += timedTrace.edges.map { SourceEdge(button: $0.button + 6, edge: Edge(time: $0.edge.time + offset, pressed: $0.edge.pressed)) }
        reference.edges.sort { $0.edge.time < $1.edge.time }

        #expect(loop.buttons.count == 8)
        try loop.run(until: .whenSourcesFinish)
        let expected = replayPresses(reference, timing: quickTiming)
        #expect(expected.count == 8)
        #expect(canonical(allPresses) == canonical(expected))
    }

    @Test("a button held when watching starts makes no press until released")
    func heldAtStart() throws {
        let source = PipeSource(buttons: ["held"], heldAtStart: [true])
        var presses: [Press] = []
        let loop = try EventLoop { event in if case .press(_, let p) = event { presses.append(p) } }
        loop.add(source, timing: quickTiming)
        let t0 = MonotonicClock.now()
        source.send(button: 0, pressed: false, at: t0)  // the release of the held press: nothing
        source.send(button: 0, pressed: true, at: t0 + .milliseconds(100))
        source.send(button: 0, pressed: false, at: t0 + .milliseconds(130))
        source.hangUp()
        try loop.run(until: .whenSourcesFinish)
        #expect(presses.map(\.clickType) == [.single])
        #expect(presses.first?.pressedAt == t0 + .milliseconds(100))
    }

    @Test("a simulated button plays scripted presses sent from another thread while the loop runs")
    func simulatedButtonPlay() throws {
        let sim = try TimedEdgeSource(buttons: ["sim"])
        let got = Locked<[Press]>([])
        let loopRef = Locked<EventLoop?>(nil)
        let loop = try EventLoop { event in
            if case .press(_, let p) = event {
                got.withLock { $0.append(p) }
                if p.clickType == .long { loopRef.withLock { $0?.stop() } }
            }
        }
        loopRef.withLock { $0 = loop }
        loop.add(sim, timing: quickTiming)
        let thread = Thread {
            sim.play(Trace(buttons: ["sim"], edges: edges(0, [(0, true), (30, false)])), after: .milliseconds(5))
            usleep(200_000)
            sim.play(Trace(buttons: ["sim"], edges: edges(0, [(0, true), (20, false), (40, true), (60, false)])))
            usleep(200_000)
            sim.play(Trace(buttons: ["sim"], edges: edges(0, [(0, true), (400, false)])))
        }
        thread.start()
        try loop.run()
        loopRef.withLock { $0 = nil }
        #expect(got.withLock { $0.map(\.clickType) } == [.single, .double, .long])
    }
}

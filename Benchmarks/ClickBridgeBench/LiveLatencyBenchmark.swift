import Glibc
import Lines
import Presses

/// `clickbridge-bench live-latency [PRESSES]`: decision latency of the live loop. Eight simulated
/// buttons play SINGLE, DOUBLE and LONG presses in real time through one `EventLoop`; for each
/// press it takes the monotonic time at which the handler receives it minus `decidedAt`, the
/// instant the semantics allow the decision. Prints p50, p99 and max.
func liveLatencyBenchmark() throws {
    let rest = Array(CommandLine.arguments.dropFirst(2))
    let total = rest.first.flatMap { Int($0) } ?? 10_000
    let buttons = 8
    // Short timings keep the run to about 40 s for 10,000 presses; the loop's work per decision
    // does not depend on them.
    let timing = PressTiming(debounce: .milliseconds(1), long: .milliseconds(20), doubleWindow: .milliseconds(8))
    let slot: Int64 = 30  // ms per press and button
    let patterns: [[(Int64, Bool)]] = [
        [(0, true), (3, false)],  // SINGLE, decided at 3 + 8 ms
        [(0, true), (2, false), (5, true), (7, false)],  // DOUBLE, decided at 7 + 1 ms
        [(0, true), (22, false)],  // LONG, decided at 20 ms
    ]
    var edges: [SourceEdge] = []
    let perButton = (total + buttons - 1) / buttons
    for b in 0..<buttons {
        for i in 0..<perButton where b * perButton + i < total {
            let start = Int64(i) * slot + Int64(b)  // buttons a millisecond apart
            for (ms, pressed) in patterns[(i + b) % patterns.count] {
                edges.append(SourceEdge(button: b, edge: Edge(time: .milliseconds(start + ms), pressed: pressed)))
            }
        }
    }
    edges.sort { $0.edge.time < $1.edge.time }
    let trace = Trace(buttons: (0..<buttons).map { "sim\($0)" }, edges: edges)
    let (source, _) = try TimedEdgeSource.replaying(trace, startingAt: MonotonicClock.now() + .milliseconds(50))
    var latencies: [Int64] = []
    latencies.reserveCapacity(total)
    var counts: [Gesture: Int] = [:]
    let loop = try EventLoop { event in
        if case .press(_, let p) = event {
            latencies.append((MonotonicClock.now() - p.decidedAt).nanoseconds)
            counts[p.gesture, default: 0] += 1
        }
    }
    loop.add(source, timing: timing)
    try loop.run(until: .whenSourcesFinish)
    latencies.sort()
    func us(_ ns: Int64) -> String {
        let tenths = (ns + 50) / 100
        return "\(tenths / 10).\(tenths % 10) us"
    }
    let p50 = latencies[latencies.count / 2]
    let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
    print("presses: \(latencies.count) (SINGLE \(counts[.single] ?? 0), DOUBLE \(counts[.double] ?? 0), LONG \(counts[.long] ?? 0)) on \(buttons) buttons")
    print("decision latency (handler time - decidedAt): p50 \(us(p50)), p99 \(us(p99)), max \(us(latencies.last ?? 0))")
}

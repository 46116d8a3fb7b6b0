import Lines
import Presses
import TracePlot

// Time to plot the 1,000,000-edge replay benchmark trace (ReplayBenchData, native format):
// parse + plot of the whole trace (summarised), and of a 10 s window (drawn in detail), best of 5,
// thread CPU time.
//   swift run -c release clickbridge-bench plot

func plotBench() throws {
    let edgeCount = 1_000_000
    var trace = ReplayBenchData.trace(edges: edgeCount)
    trace.activeLow = true
    let bytes = NativeTraceWriter(for: trace).document(trace)
    let start = trace.edges[edgeCount / 2].edge.time
    let window = PlotWindow(from: start, to: start + .seconds(10))
    print("plot, \(edgeCount) edges (native, \(bytes.count / 1_000_000) MB), best of 5 (release build, thread CPU time)")
    for (name, w) in [("whole trace", PlotWindow()), ("10 s window", window)] {
        var bestParse = Double.infinity, bestTotal = Double.infinity
        var size = 0
        for _ in 0..<5 {
            let t0 = benchNow()
            let parsed = try bytes.withUnsafeBufferPointer { try TraceReader.read($0, options: .init(format: .native)) }
            let t1 = benchNow()
            let svg = try TracePlot.svg(parsed, timing: parsed.timing ?? .default, window: w, name: "bench.trace")
            let t2 = benchNow()
            bestParse = min(bestParse, t1 - t0)
            bestTotal = min(bestTotal, t2 - t0)
            size = svg.utf8.count
        }
        print("\(name): parse \(ms(bestParse)), parse + plot \(ms(bestTotal)), SVG \(size / 1_000) kB")
    }
}

private func ms(_ seconds: Double) -> String {
    let tenths = Int((seconds * 10_000).rounded())
    return "\(tenths / 10).\(tenths % 10) ms"
}

import Glibc
import Presses

/// Detector throughput: raw edges (bounces included) per second through `PressDetector.feed`,
/// on a generated script of realistic clicks, with the default settings and with every gesture
/// on (`maxPresses: 5`, `longRelease`, `repeat: 100ms`), in the same run so that both see the
/// same machine. Usage: `clickbridge-bench detector [edges]`.
///
/// The hot loop must not allocate: the edge array and the press array are sized up front, and
/// the detector itself is a value with no heap state. `valgrind` on two sizes shows it (see
/// BENCHMARKS.md): the allocation count does not grow with the number of edges, in either case.
enum DetectorBench {
    static let cases: [(name: String, timing: PressTiming)] = [
        ("defaults", .default),
        // A 100 ms repeat, quicker than the docs' 500 ms, so a LONG (held 1.6–2.6 s here) makes
        // up to 11 repeats and the repeat path is exercised rather than skipped.
        ("gestures", PressTiming(maxPresses: 5, longRelease: true, repeat: .milliseconds(100))),
    ]

    static func run() throws {
        let arguments = CommandLine.arguments.dropFirst(2)
        let target = arguments.first.flatMap { Int($0) } ?? 10_000_000
        guard target > 0 else {
            print("detector: the edge count must be a positive integer")
            exit(2)
        }
        let edges = script(edges: target)
        var presses: [Press] = []
        // Enough for every case (at most one press per edge pair, plus a LONG's repeats); a press
        // array that had to grow would allocate in the hot loop, which `run` checks.
        presses.reserveCapacity(edges.count / 2 + 16)
        let capacity = presses.capacity

        // Rates by thread CPU time (the machine may be shared) and by wall-clock time. The cases
        // alternate within each round so that a change of load falls on both.
        var rates = Array(repeating: [Double](), count: cases.count)
        var wallRates = Array(repeating: [Double](), count: cases.count)
        var counts = Array(repeating: [Gesture.Name: Int](), count: cases.count)
        var pressCounts = Array(repeating: 0, count: cases.count)
        let runs = 5
        for _ in 0..<runs {
            for (c, benchCase) in cases.enumerated() {
                presses.removeAll(keepingCapacity: true)
                var detector = PressDetector(button: "gpiochip0:GPIO17", timing: benchCase.timing)
                let start = nanoseconds(CLOCK_THREAD_CPUTIME_ID)
                let wallStart = nanoseconds(CLOCK_MONOTONIC)
                for edge in edges {
                    detector.feed(edge, into: &presses)
                }
                detector.finish(at: edges[edges.count - 1].time, into: &presses)
                let wall = nanoseconds(CLOCK_MONOTONIC) - wallStart
                let elapsed = nanoseconds(CLOCK_THREAD_CPUTIME_ID) - start
                rates[c].append(Double(edges.count) / (Double(elapsed) / 1e9))
                wallRates[c].append(Double(edges.count) / (Double(wall) / 1e9))
                if presses.capacity != capacity {
                    print("detector: \(benchCase.name): the press array grew (\(presses.count) presses), so the loop allocated")
                    exit(1)
                }
                counts[c] = [:]
                for press in presses { counts[c][press.gesture.name, default: 0] += 1 }
                pressCounts[c] = presses.count
            }
        }
        var medians: [Double] = []
        for (c, benchCase) in cases.enumerated() {
            rates[c].sort()
            wallRates[c].sort()
            let median = rates[c][runs / 2]
            medians.append(median)
            let kinds = Gesture.Name.allCases.compactMap { name in counts[c][name].map { "\(name.rawValue) \($0)" } }
            print("detector \(benchCase.name): \(edges.count) edges, \(pressCounts[c]) presses (\(kinds.joined(separator: ", ")))")
            print("detector \(benchCase.name): CPU time, median of \(runs) runs: \(format(median)) edges/s (\(format(1e9 / median)) ns/edge); min \(format(rates[c][0])), max \(format(rates[c][runs - 1]))")
            print("detector \(benchCase.name): wall clock, median of \(runs) runs: \(format(wallRates[c][runs / 2])) edges/s")
        }
        print("detector: gestures / defaults, CPU medians: \(String(Double(Int(medians[1] / medians[0] * 1000)) / 1000))")
    }

    /// Clicks of every kind with 0–4 bounce pairs within 6 ms on each change, as real switches
    /// measure, and an occasional 2 ms glitch while held.
    static func script(edges target: Int) -> [Edge] {
        var rng = SplitMix64(seed: 0x5EED)
        var edges: [Edge] = []
        edges.reserveCapacity(target + 32)
        var now: Int64 = 0
        let ms: Int64 = 1_000_000

        func change(to pressed: Bool) {
            edges.append(Edge(time: Timestamp(nanoseconds: now), pressed: pressed))
            var offset: Int64 = 0
            for _ in 0..<rng.next() % 5 {
                offset += 1 + Int64(rng.next() % 1_400_000)
                edges.append(Edge(time: Timestamp(nanoseconds: now + offset), pressed: !pressed))
                offset += 1 + Int64(rng.next() % 1_400_000)
                edges.append(Edge(time: Timestamp(nanoseconds: now + offset), pressed: pressed))
            }
        }

        while edges.count < target {
            change(to: true)
            // Hold: short (SINGLE/DOUBLE clicks) most of the time, sometimes LONG.
            let hold = rng.next() % 10 == 0 ? 1600 + Int64(rng.next() % 1000) : 40 + Int64(rng.next() % 200)
            if rng.next() % 8 == 0 {
                // A 2 ms glitch while held.
                let at = now + 25 * ms + Int64(rng.next() % (UInt64(hold - 30) * UInt64(ms)))
                edges.append(Edge(time: Timestamp(nanoseconds: at), pressed: false))
                edges.append(Edge(time: Timestamp(nanoseconds: at + 2 * ms), pressed: true))
            }
            now += hold * ms
            change(to: false)
            // Gap: inside the double window half the time.
            now += (rng.next() % 2 == 0 ? 60 + Int64(rng.next() % 300) : 450 + Int64(rng.next() % 1500)) * ms
        }
        return edges
    }

    static func nanoseconds(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func format(_ value: Double) -> String {
        if value >= 1e6 { return String(Double(Int(value / 1e4)) / 100) + " M" }
        return String(Double(Int(value * 100)) / 100)
    }
}

import Glibc
import Presses

/// Detector throughput: raw edges (bounces included) per second through `PressDetector.feed`,
/// on a generated script of realistic clicks. Usage: `clickbridge-bench detector [edges]`.
///
/// The hot loop must not allocate: the edge array and the press array are sized up front, and
/// the detector itself is a value with no heap state. `valgrind` on two sizes shows it (see
/// BENCHMARKS.md): the allocation count does not grow with the number of edges.
enum DetectorBench {
    static func run() throws {
        let arguments = CommandLine.arguments.dropFirst(2)
        let target = arguments.first.flatMap { Int($0) } ?? 10_000_000
        guard target > 0 else {
            print("detector: the edge count must be a positive integer")
            exit(2)
        }
        let edges = script(edges: target)
        var presses: [Press] = []
        presses.reserveCapacity(edges.count / 2 + 16)

        // Rates by thread CPU time (the machine may be shared) and by wall-clock time.
        var rates: [Double] = []
        var wallRates: [Double] = []
        var counts: [Gesture: Int] = [:]
        let runs = 5
        for _ in 0..<runs {
            presses.removeAll(keepingCapacity: true)
            var detector = PressDetector(button: "gpiochip0:GPIO17")
            let start = nanoseconds(CLOCK_THREAD_CPUTIME_ID)
            let wallStart = nanoseconds(CLOCK_MONOTONIC)
            for edge in edges {
                detector.feed(edge, into: &presses)
            }
            detector.finish(at: edges[edges.count - 1].time, into: &presses)
            let wall = nanoseconds(CLOCK_MONOTONIC) - wallStart
            let elapsed = nanoseconds(CLOCK_THREAD_CPUTIME_ID) - start
            rates.append(Double(edges.count) / (Double(elapsed) / 1e9))
            wallRates.append(Double(edges.count) / (Double(wall) / 1e9))
        }
        for press in presses { counts[press.gesture, default: 0] += 1 }
        rates.sort()
        wallRates.sort()
        let median = rates[runs / 2]
        print("detector: \(edges.count) edges, \(presses.count) presses (SINGLE \(counts[.single] ?? 0), DOUBLE \(counts[.double] ?? 0), LONG \(counts[.long] ?? 0))")
        print("detector: CPU time, median of \(runs) runs: \(format(median)) edges/s (\(format(1e9 / median)) ns/edge); min \(format(rates[0])), max \(format(rates[runs - 1]))")
        print("detector: wall clock, median of \(runs) runs: \(format(wallRates[runs / 2])) edges/s")
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

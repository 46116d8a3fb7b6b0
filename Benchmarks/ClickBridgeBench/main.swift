import Glibc

// Benchmarks of the button layer. Run a release build:
//   swift run -c release clickbridge-bench <name>
// Each benchmark prints its figures; BENCHMARKS.md records them with the command.

let args = CommandLine.arguments.dropFirst()

let benchmarks: [String: () throws -> Void] = [
    "detector": DetectorBench.run,
    "replay": replayBench,  // ReplayBench.swift
    "listen": listenBenchmark,  // ListenBenchmark.swift, measured by Benchmarks/listen-idle.sh
    "live-latency": liveLatencyBenchmark,  // LiveLatencyBenchmark.swift
]

guard let name = args.first, let bench = benchmarks[name] else {
    print("usage: clickbridge-bench <\(benchmarks.keys.sorted().joined(separator: "|"))>")
    exit(2)
}
try bench()

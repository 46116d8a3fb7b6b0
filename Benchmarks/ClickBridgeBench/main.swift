import Glibc

// Benchmarks of the button layer. Run a release build:
//   swift run -c release clickbridge-bench <name>
// Each benchmark prints its figures; BENCHMARKS.md records them with the command.

let args = CommandLine.arguments.dropFirst()

var benchmarks: [String: () throws -> Void] = [
    "detector": DetectorBench.run,
    "replay": replayBench,  // ReplayBench.swift
    "plot": plotBench,  // PlotBench.swift
    "listen": listenBenchmark,  // ListenBenchmark.swift, measured by Benchmarks/listen-idle.sh
    "live-latency": liveLatencyBenchmark,  // LiveLatencyBenchmark.swift
]
#if canImport(Bridge)
benchmarks["actions"] = ActionsBench.run
benchmarks["mqtt-latency"] = MQTTLatencyBench.run  // MQTTLatencyBench.swift: starts its own mosquitto
#endif

guard let name = args.first, let bench = benchmarks[name] else {
    print("usage: clickbridge-bench <\(benchmarks.keys.sorted().joined(separator: "|"))>")
    exit(2)
}
try bench()

import Glibc
import Lines

/// `clickbridge-bench listen TRACE`: the live loop of `clickbridge listen --trace`, without the
/// command-line layer, for the idle CPU and memory figures of the button layer alone
/// (Benchmarks/listen-idle.sh measures it from outside).
func listenBenchmark() throws {
    let rest = Array(CommandLine.arguments.dropFirst(2))
    guard let path = rest.first else {
        print("usage: clickbridge-bench listen TRACE")
        exit(2)
    }
    try ListenJob(input: .trace(path: path, read: TraceReadOptions())).run(
        write: { line in print(line) },
        note: { _ in })
}

import ClaimService
import CoreMetrics
import Prometheus

/// The Prometheus registry behind `serve --metrics-listen`, and the swift-metrics factory that
/// fills it. Latency buckets start below a millisecond: the service answers most requests in a
/// few, and swift-prometheus's defaults would put them all in one bucket.
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            ClaimServiceMetrics.Name.requestDuration: [
                .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            ],
            // A healthy pool lends at once; a full or unreachable one makes calls wait up to the
            // store's connection wait (10 s), so the buckets reach that far.
            ClaimServiceMetrics.Name.poolWait: [
                .microseconds(100), .milliseconds(1), .milliseconds(10), .milliseconds(100), .milliseconds(500),
                .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            ],
        ]
        self.factory = factory
    }

    /// Makes this registry the process's swift-metrics backend (once per process: `serve` only).
    public func bootstrapSystem() {
        MetricsSystem.bootstrap(factory)
    }

    /// Every metric in Prometheus's text format, each family with its HELP line.
    public func exposition() -> [UInt8] {
        Self.addingHelp(to: registry.emitToBuffer(), from: ClaimServiceMetrics.help)
    }

    /// swift-prometheus writes a HELP line only for a metric made through its own API with a help
    /// text; swift-metrics, through which the service makes its metrics, has no place for one. So
    /// each family's HELP goes in here, before its TYPE line, as the text format puts it.
    static func addingHelp(to exposition: [UInt8], from help: [String: String]) -> [UInt8] {
        let typePrefix = Array("# TYPE ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(exposition.count + 128 * help.count)
        var lines = exposition.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines {
            if line.starts(with: typePrefix) {
                let name = line.dropFirst(typePrefix.count).prefix { $0 != UInt8(ascii: " ") }
                if let text = help[String(decoding: name, as: UTF8.self)] {
                    out += Array("# HELP ".utf8) + name + [UInt8(ascii: " ")] + Array(text.utf8) + [UInt8(ascii: "\n")]
                }
            }
            out += line + [UInt8(ascii: "\n")]
        }
        return out
    }
}

import ClaimService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import MetricsEndpoint
import ServiceLifecycle
import Testing

/// A `MetricsServer` on a free loopback port, scraped over HTTP as Prometheus would.
struct RunningMetricsServer {
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    struct DidNotStart: Error {}

    static func start(_ metrics: PrometheusMetrics) async throws -> RunningMetricsServer {
        let logger = Logger(label: "clickbridge.metrics")
        let started = try await ListeningService.start(logger: logger, notStarted: DidNotStart()) { onListening in
            MetricsServer(host: "127.0.0.1", port: 0, metrics: metrics, logger: logger, onListening: onListening)
        }
        return RunningMetricsServer(port: started.port, group: started.group, task: started.task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// One plain GET on the metrics port.
    func get(_ path: String, method: HTTPRequest.Method = .get) async throws -> (status: Int, contentType: String?, body: String) {
        try await MetricsText.get(port: port, path, method: method)
    }

    /// `GET /metrics`, which must answer 200 in Prometheus's text format.
    func scrape(sourceLocation: SourceLocation = #_sourceLocation) async throws -> MetricsText {
        let answer = try await get("/metrics")
        #expect(answer.status == 200, sourceLocation: sourceLocation)
        #expect(answer.contentType == "text/plain; version=0.0.4; charset=utf-8", sourceLocation: sourceLocation)
        return MetricsText(answer.body)
    }
}

/// A scraped exposition: each sample's value by its series, `name{label="value",…}` as written.
struct MetricsText {
    let text: String
    let samples: [String: Double]

    init(_ text: String) {
        self.text = text
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    /// The sample's value; 0 for a series not (yet) written, as Prometheus reads an absent counter.
    subscript(_ series: String) -> Double { samples[series] ?? 0 }

    static func get(port: Int, _ path: String, method: HTTPRequest.Method = .get) async throws
        -> (status: Int, contentType: String?, body: String) {
        let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(TestClient.Request(path, method: method, authority: "127.0.0.1:\(port)"))
        }
        return (Int(response.status.code), response.headers[.contentType], response.body.map { String(buffer: $0) } ?? "")
    }
}

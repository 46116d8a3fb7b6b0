import Foundation
import Synchronization
import TestSupport
import Testing

/// `clickbridge serve --metrics-listen` through the real binary.
@Suite("serve --metrics-listen")
struct ServeMetricsCommandTests {
    @Test("serve answers GET /metrics on the metrics address and not on the API's")
    func servesMetrics() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = Mutex("")
        let process = try ClickBridgeBinary.launch(
            ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--state-dir", dir + "/state"],
            standardOutput: .chunks { data in output.withLock { $0 += String(decoding: data, as: UTF8.self) } })
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Both lines are printed once each listener is bound; a long deadline for a loaded machine.
        var ports: (api: Int, metrics: Int)?
        let deadline = ContinuousClock.now + .seconds(90)
        while ports == nil, process.isRunning, ContinuousClock.now < deadline {
            let text = output.withLock { $0 }
            if let api = Self.port(in: text, after: "listening on http://127.0.0.1:", before: " "),
               let metrics = Self.port(in: text, after: "metrics on http://127.0.0.1:", before: "/metrics") {
                ports = (api, metrics)
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let (api, metricsPort) = try #require(ports, "serve printed: \(output.withLock { $0 })")
        #expect(api != metricsPort)
        let scraped = try await MetricsText.get(port: metricsPort, "/metrics")
        #expect(scraped.status == 200)
        #expect(scraped.contentType == "text/plain; version=0.0.4; charset=utf-8")
        for name in ["clickbridge_events_ingested_total", "clickbridge_callbacks_total", "clickbridge_request_duration_seconds"] {
            #expect(scraped.body.contains("# TYPE \(name) "), "\(scraped.body)")
        }
        #expect(try await MetricsText.get(port: metricsPort, "/").status == 404)
        // The API port: an unsigned GET /metrics is refused as any unsigned call is, with no metrics.
        let onAPI = try await MetricsText.get(port: api, "/metrics")
        #expect(onAPI.status == 403)
        #expect(!onAPI.body.contains("clickbridge_"))
        // That refusal was counted, as an unknown operation.
        let after = MetricsText(try await MetricsText.get(port: metricsPort, "/metrics").body)
        #expect(after[#"clickbridge_requests_total{operation="unknown",status="403"}"#] == 1)
    }

    @Test("a bad --metrics-listen fails with one line on stderr, before anything is written")
    func badAddress() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (address, says) in [("nowhere", "--metrics-listen 'nowhere' is not HOST:PORT"),
                                ("127.0.0.1:99999", "--metrics-listen '127.0.0.1:99999' is not HOST:PORT"),
                                ("127.0.0.1:18787", "is the API's --listen address")] {
            let r = try await ClickBridgeBinary.run(
                ["serve", "--listen", "127.0.0.1:18787", "--metrics-listen", address, "--state-dir", dir + "/state"])
            #expect(r.status != 0)
            let line = r.err.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!line.contains("\n"), "one line: \(line)")
            #expect(line.contains(says), "\(line)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/state"))
        }
    }

    @Test("a metrics address already in use stops serve, and its last line names it")
    func addressInUse() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (receiver, url) = try await HTTPReceiver.started(path: "/taken")
        defer { receiver.stop() }
        let taken = try #require(URL(string: url)?.port)
        let r = try await ClickBridgeBinary.run(
            ["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:\(taken)", "--state-dir", dir + "/state"])
        #expect(r.status != 0)
        // The API's listener may have started and logged before the metrics' bind failed.
        let line = r.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
        #expect(line.hasPrefix("Error: --metrics-listen: cannot listen for metrics on 127.0.0.1:\(taken): "), "\(r.err)")
    }

    static func port(in text: String, after prefix: String, before suffix: String) -> Int? {
        guard let start = text.range(of: prefix) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.range(of: suffix) else { return nil }
        return Int(rest[..<end.lowerBound])
    }
}

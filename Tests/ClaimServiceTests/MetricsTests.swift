import ClaimStorePostgres
import Foundation
import GRDB
import Logging
import MetricsEndpoint
import OneClick
import TestSupport
import Testing

@testable import ClaimService

/// `serve --metrics-listen`'s metrics: a real service with metrics on, real signed requests and
/// callbacks, and the counters scraped over HTTP from the metrics listener.
@Suite("Prometheus metrics")
struct MetricsTests {
    typealias Name = ClaimServiceMetrics.Name

    @Test("requests are counted by operation and status, with a latency histogram, and /metrics is not on the API port")
    func requestsByOperationAndStatus() async throws {
        let prometheus = PrometheusMetrics()
        let service = try await LiveService.start { $0.metrics = ClaimServiceMetrics(factory: prometheus.factory) }
        let metrics = try await RunningMetricsServer.start(prometheus)
        defer { Task { await service.shutdown(); await metrics.stop() } }
        let before = try await metrics.scrape()
        #expect(before[#"\#(Name.requests){operation="RegisterDevice",status="200"}"#] == 0)

        let id = newDeviceId()
        #expect(try await service.send("PUT", "/devices/\(id)/registration", body: #"{"type":"button"}"#, profile: "bridge").status == 200)
        for _ in 0..<2 {
            #expect(try await service.send("GET", "/devices/\(id)/registration", profile: "bridge").status == 200)
        }
        // Another principal's look at a bound device: 403.
        #expect(try await service.send("GET", "/devices/\(id)/registration", profile: "bridge2").status == 403)
        // The API port has no /metrics: a signed GET there is the API's own 404, counted as an unknown operation.
        let onAPI = try await service.send("GET", "/metrics")
        #expect(onAPI.status == 404)
        #expect(!onAPI.body.contains(Name.requests))

        let after = try await metrics.scrape()
        #expect(after[#"\#(Name.requests){operation="RegisterDevice",status="200"}"#] == 1)
        #expect(after[#"\#(Name.requests){operation="DescribeRegistration",status="200"}"#] == 2)
        #expect(after[#"\#(Name.requests){operation="DescribeRegistration",status="403"}"#] == 1)
        #expect(after[#"\#(Name.requests){operation="unknown",status="404"}"#] == 1)
        // Only what was answered: no series for a status never given.
        #expect(after.samples[#"\#(Name.requests){operation="DescribeRegistration",status="500"}"#] == nil)
        // The histogram: cumulative buckets up to +Inf, a count and a sum, by operation.
        let describe = #"operation="DescribeRegistration""#
        #expect(after[#"\#(Name.requestDuration)_count{\#(describe)}"#] == 3)
        #expect(after[#"\#(Name.requestDuration)_bucket{\#(describe),le="+Inf"}"#] == 3)
        #expect(after.samples[#"\#(Name.requestDuration)_bucket{\#(describe),le="0.0005"}"#] != nil)
        let sum = try #require(after.samples[#"\#(Name.requestDuration)_sum{\#(describe)}"#])
        #expect(sum > 0)
        #expect(after.text.contains("# TYPE \(Name.requestDuration) histogram"))
        #expect(after.text.contains("# TYPE \(Name.requests) counter"))
        // Each family's HELP line comes right before its TYPE line, as Prometheus's text format has it.
        for name in [Name.requests, Name.requestDuration] {
            let help = try #require(ClaimServiceMetrics.help[name])
            #expect(after.text.contains("# HELP \(name) \(help)\n# TYPE \(name) "), "\(after.text)")
        }
        #expect(after[#"\#(Name.requestDuration)_count{operation="RegisterDevice"}"#] == 1)
    }

    @Test("the metrics listener answers only GET /metrics")
    func onlyMetricsIsServed() async throws {
        let metrics = try await RunningMetricsServer.start(PrometheusMetrics())
        defer { Task { await metrics.stop() } }
        #expect(try await metrics.get("/").status == 404)
        #expect(try await metrics.get("/metrics/x").status == 404)
        #expect(try await metrics.get("/devices").status == 404)
        #expect(try await metrics.get("/metrics", method: .post).status == 405)
        #expect(try await metrics.get("/metrics").status == 200)
    }

    @Test("events ingested counts new events, not a resent duplicate")
    func eventsIngested() async throws {
        let prometheus = PrometheusMetrics()
        let service = try await LiveService.start { $0.metrics = ClaimServiceMetrics(factory: prometheus.factory) }
        let metrics = try await RunningMetricsServer.start(prometheus)
        defer { Task { await service.shutdown(); await metrics.stop() } }
        let id = newDeviceId()
        #expect(try await service.send("PUT", "/devices/\(id)/registration", body: #"{"type":"button"}"#, profile: "bridge").status == 200)
        let eventId = UUID().uuidString
        let now = WireTimestamp.now().formatted
        let event = #"{"eventId":"\#(eventId)","clickType":"SINGLE","reportedTime":"\#(now)"}"#
        #expect(try await service.send("POST", "/devices/\(id)/events", body: event, profile: "bridge").status == 200)
        let resent = try await service.send("POST", "/devices/\(id)/events", body: event, profile: "bridge")
        #expect(resent.json["duplicate"] as? Bool == true)
        let other = #"{"eventId":"\#(UUID().uuidString)","clickType":"DOUBLE","reportedTime":"\#(now)"}"#
        #expect(try await service.send("POST", "/devices/\(id)/events", body: other, profile: "bridge").status == 200)
        let scraped = try await metrics.scrape()
        #expect(scraped[Name.eventsIngested] == 2)
        #expect(scraped[#"\#(Name.requests){operation="IngestDeviceEvent",status="200"}"#] == 3)
    }

    @Test("callbacks are counted delivered, retried and dead", arguments: Backend.all)
    func callbacksByOutcome(_ backend: Backend) async throws {
        let prometheus = PrometheusMetrics()
        // The first event: 503 then 200 (retried, delivered); the second: 400 (dead).
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback", answers: [.status(503), 200, .status(400)])
        defer { receiver.stop() }
        let h = try await Harness.make(backend) {
            $0.callbackPolicy = CallbackDeliveryTests.quick
            $0.allowPrivateCallbacks = true
            $0.metrics = ClaimServiceMetrics(factory: prometheus.factory)
        }
        let metrics = try await RunningMetricsServer.start(prometheus)
        defer { Task { await metrics.stop() } }
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        try await h.setCallback(id, url: url)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let first = UUID().uuidString, second = UUID().uuidString
        try await h.press(id, eventId: first)
        #expect(try await delivery.next(2).map(\.eventId) == [first, first])
        try await h.press(id, eventId: second)
        #expect(try await delivery.next(1) == [.dead(eventId: second, attempts: 1, error: "HTTP 400 Bad Request")])
        let scraped = try await metrics.scrape()
        #expect(scraped[#"\#(Name.callbacks){outcome="delivered"}"#] == 1)
        #expect(scraped[#"\#(Name.callbacks){outcome="retried"}"#] == 1)
        #expect(scraped[#"\#(Name.callbacks){outcome="dead"}"#] == 1)
        // The claim's press and the two here.
        #expect(scraped[Name.eventsIngested] == 3)
    }

    @Test("SQLite's errors are counted as database errors, a claim rule's refusal is not")
    func sqliteErrors() async throws {
        let prometheus = PrometheusMetrics()
        let h = try Harness { $0.metrics = ClaimServiceMetrics(factory: prometheus.factory) }
        let metrics = try await RunningMetricsServer.start(prometheus)
        defer { Task { await metrics.stop() } }
        let id = newDeviceId()
        try await h.register(id)
        await h.fails(.describeRegistration(deviceId: id), as: bridgeB, "ForbiddenException", 403)
        #expect(try await metrics.scrape()[Name.databaseErrors] == 0)
        // The table every call reads, gone from under the service: each call fails in SQLite.
        let outside = try DatabaseQueue(path: h.directory + "/" + Store.fileName)
        try outside.inDatabase { try $0.execute(sql: "ALTER TABLE device RENAME TO device_elsewhere") }
        await h.fails(.describeRegistration(deviceId: id), as: bridgeA, "InternalFailureException", 500)
        await h.fails(.registerDevice(deviceId: newDeviceId()), as: bridgeA, body: "{}", "InternalFailureException", 500)
        #expect(try await metrics.scrape()[Name.databaseErrors] == 2)
    }

    @Test("database errors are counted while PostgreSQL is down, and pool waits are measured")
    func databaseErrorsAndPoolWaits() async throws {
        guard ThrowawayPostgres.enabled else { return }
        let postgres = try await ThrowawayPostgres.privateCluster()
        let url = try await postgres.newDatabase()
        let prometheus = PrometheusMetrics()
        let counters = ClaimServiceMetrics(factory: prometheus.factory)
        let store = try PostgresClaimStore(url: DatabaseURL(parsing: url), logger: Logger(label: "clickbridge.postgres"),
                                           connectionWait: .seconds(2), metrics: counters)
        let h = try Harness(clock: ManualClock()) {
            $0.store = store
            $0.metrics = counters
        }
        let metrics = try await RunningMetricsServer.start(prometheus)
        defer { Task { await metrics.stop() } }
        let id = newDeviceId()
        // Up and answering first: on a loaded machine the first connection may take longer than the wait.
        var up = false
        for _ in 0..<30 where !up {
            up = if case .success = await h.call(.registerDevice(deviceId: id), as: bridgeA, body: "{}") { true } else { false }
        }
        try #require(up)
        let healthy = try await metrics.scrape()
        // The schema's migration and the registration each leased a connection.
        #expect(healthy["\(Name.poolWait)_count"] >= 2)
        #expect(healthy.samples[#"\#(Name.poolWait)_bucket{le="+Inf"}"#] == healthy["\(Name.poolWait)_count"])
        let errorsBefore = healthy[Name.databaseErrors]

        try await postgres.stop()
        await h.fails(.describeRegistration(deviceId: id), as: bridgeA, "InternalFailureException", 500)
        await h.fails(.registerDevice(deviceId: newDeviceId()), as: bridgeA, body: "{}", "InternalFailureException", 500)
        let down = try await metrics.scrape()
        #expect(down[Name.databaseErrors] == errorsBefore + 2)

        try await postgres.start()
        // A claim rule's refusal is no database error.
        var answered = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !answered, ContinuousClock.now < deadline {
            if case .failure(let error) = await h.call(.describeRegistration(deviceId: id), as: bridgeB), error.status == 403 {
                answered = true
            } else {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(answered)
        let afterRefusal = try await metrics.scrape()[Name.databaseErrors]
        await h.fails(.describeRegistration(deviceId: id), as: bridgeB, "ForbiddenException", 403)
        #expect(try await metrics.scrape()[Name.databaseErrors] == afterRefusal)
    }
}

import Foundation
import OneClick
import TestSupport
import Testing
import TestSupport

@testable import ClaimService

/// Click callbacks delivered by the service to a real receiver on loopback.
@Suite("Click callbacks")
struct CallbackDeliveryTests {
    /// Quick retries, so a test of the retry rules does not wait for the production delays. The
    /// request timeout is generous: on a loaded machine a loopback answer must not turn into a retry.
    static let quick = CallbackPolicy(maxAttempts: 8, firstDelay: 0.02, maxDelay: 0.2, timeout: 60)

    /// The receivers listen on loopback, which the service refuses unless allowed: these tests allow it.
    static func loopback(_ config: inout ClaimServiceConfiguration) {
        config.callbackPolicy = quick
        config.allowPrivateCallbacks = true
    }

    @Test("every event of a claimed device with a callback is delivered once, in order, with the 1-Click payload", arguments: Backend.all)
    func deliversInOrder(_ backend: Backend) async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback")
        defer { receiver.stop() }
        let h = try await Harness.make(backend, configure: Self.loopback)
        let id = newDeviceId()
        _ = try await h.ok(.registerDevice(deviceId: id), as: bridgeA,
                           body: #"{"type":"button","attributes":{"room":"hall","floor":"2"}}"#, DeviceRegistrationResponse.self)
        try await h.claim(id)
        try await h.setCallback(id, url: url)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }

        let clicks = ["SINGLE", "DOUBLE", "LONG", "SINGLE", "DOUBLE"]
        var sent: [(id: String, payload: ClickEventPayload)] = []
        for (i, click) in clicks.enumerated() {
            h.clock.advance(seconds: 1)
            let eventId = UUID().uuidString
            // The third press reports no battery: the device's last reported value is used.
            let life: Double? = i == 2 ? nil : 90 - Double(i)
            try await h.press(id, click: click, eventId: eventId, life: life)
            let payload = ClickEventPayload(deviceId: id, clickType: click, reportedTime: h.clock.iso, remainingLife: life ?? 89,
                                            attributes: ["room": "hall", "floor": "2"])
            sent.append((eventId, payload))
        }
        let settled = try await delivery.next(clicks.count)
        #expect(settled == sent.map { .delivered(eventId: $0.id, attempts: 1, status: 200) })

        let got = receiver.deliveries
        #expect(got.count == clicks.count)
        for (delivery, expected) in zip(got, sent) {
            #expect(delivery.body == expected.payload.jsonBytes())
            #expect(delivery.headers["content-type"] == "application/json")
            #expect(delivery.headers["x-clickbridge-event-id"] == expected.id)
            let clicked = (delivery.json["deviceEvent"] as? [String: Any])?["buttonClicked"] as? [String: Any]
            #expect(clicked?["clickType"] as? String == expected.payload.deviceEvent.buttonClicked.clickType)
        }
        for (eventId, _) in sent {
            let record = try #require(try await h.core.store.callbackDelivery(eventId: eventId))
            #expect(record.state == .delivered)
            #expect(record.attempts == 1)
            #expect(record.lastStatus == 200)
            #expect(record.lastError == nil)
            #expect(record.settledAt != nil)
        }
    }

    @Test("remainingLife is left out of the payload of a device that never reported it", arguments: Backend.all)
    func unknownLifeLeftOut(_ backend: Backend) async throws {
        let h = try await Harness.make(backend, configure: Self.loopback)
        let id = newDeviceId()
        try await h.register(id)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        try await h.press(id, life: nil)
        _ = try await h.ok(.finalizeDeviceClaim(deviceId: id), as: ownerA, body: "{}", DeviceClaimResponse.self)
        try await h.setCallback(id, url: "http://127.0.0.1:9/callback")
        let eventId = UUID().uuidString
        try await h.press(id, click: "LONG", eventId: eventId, life: nil)
        let record = try #require(try await h.core.store.callbackDelivery(eventId: eventId))
        #expect(record.body == ClickEventPayload(deviceId: id, clickType: "LONG", reportedTime: h.clock.iso).jsonBytes())
        #expect(record.state == .pending)
    }

    @Test("no callback for a disabled device, an unclaimed device, a duplicate event, or a device without one; re-enabled, it fires again", arguments: Backend.all)
    func onlyClaimedEnabledNewEvents(_ backend: Backend) async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback")
        defer { receiver.stop() }
        let h = try await Harness.make(backend, configure: Self.loopback)
        let id = newDeviceId()
        try await h.register(id)
        // Unclaimed: stored, no callback.
        let unclaimed = UUID().uuidString
        try await h.press(id, eventId: unclaimed)
        #expect(try await h.core.store.callbackDelivery(eventId: unclaimed) == nil)
        try await h.claim(id)
        // Claimed without a callback: nothing queued.
        let noCallback = UUID().uuidString
        try await h.press(id, eventId: noCallback)
        #expect(try await h.core.store.callbackDelivery(eventId: noCallback) == nil)

        try await h.setCallback(id, url: url)
        try await h.setEnabled(id, false)
        var disabled: [String] = []
        for _ in 0..<3 {
            h.clock.advance(seconds: 1)
            let eventId = UUID().uuidString
            let ack = try await h.press(id, eventId: eventId)
            #expect(ack.duplicate == false)
            #expect(try await h.core.store.callbackDelivery(eventId: eventId) == nil)
            disabled.append(eventId)
        }
        try await h.setEnabled(id, true)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        h.clock.advance(seconds: 1)
        let enabled = UUID().uuidString
        try await h.press(id, click: "DOUBLE", eventId: enabled)
        // A resend of the same event is a duplicate: acknowledged, not delivered again.
        let resend = try await h.press(id, click: "DOUBLE", eventId: enabled)
        #expect(resend.duplicate)
        let settled = try await delivery.next(1)
        #expect(settled == [.delivered(eventId: enabled, attempts: 1, status: 200)])
        // Deliveries of one device go in order, so anything queued for the disabled presses would
        // have arrived before this one.
        #expect(receiver.deliveries.count == 1)
        #expect(receiver.deliveries.first?.headers["x-clickbridge-event-id"] == enabled)
    }

    @Test("a 503 is retried; after the 200 nothing is sent again, and the record says delivered on attempt 2", arguments: Backend.all)
    func retriedAfter503(_ backend: Backend) async throws {
        let (receiver, h, id, delivery) = try await Self.delivering(backend, answers: [.status(503)])
        defer { delivery.stop(); receiver.stop() }
        let eventId = UUID().uuidString
        try await h.press(id, eventId: eventId)
        let settled = try await delivery.next(2)
        #expect(settled == [.willRetry(eventId: eventId, attempts: 1, error: "HTTP 503 Service Unavailable"),
                            .delivered(eventId: eventId, attempts: 2, status: 200)])
        let next = UUID().uuidString
        try await h.press(id, eventId: next)
        #expect(try await delivery.next(1) == [.delivered(eventId: next, attempts: 1, status: 200)])
        // The first event twice (503, 200), the second once: no duplicate after success.
        #expect(receiver.deliveries.map { $0.headers["x-clickbridge-event-id"] } == [eventId, eventId, next])
        let record = try #require(try await h.core.store.callbackDelivery(eventId: eventId))
        #expect(record.state == .delivered)
        #expect(record.attempts == 2)
        #expect(record.lastStatus == 200)
    }

    @Test("a 400 is dead at once, and the next event is still delivered", arguments: Backend.all)
    func deadOn400(_ backend: Backend) async throws {
        let (receiver, h, id, delivery) = try await Self.delivering(backend, answers: [.status(400)])
        defer { delivery.stop(); receiver.stop() }
        let first = UUID().uuidString, second = UUID().uuidString
        try await h.press(id, eventId: first)
        h.clock.advance(seconds: 1)
        try await h.press(id, click: "LONG", eventId: second)
        let settled = try await delivery.next(2)
        #expect(settled == [.dead(eventId: first, attempts: 1, error: "HTTP 400 Bad Request"),
                            .delivered(eventId: second, attempts: 1, status: 200)])
        let dead = try #require(try await h.core.store.callbackDelivery(eventId: first))
        #expect(dead.state == .dead)
        #expect(dead.attempts == 1)
        #expect(dead.lastStatus == 400)
        #expect(dead.lastError == "HTTP 400 Bad Request")
        #expect(receiver.deliveries.count == 2)
    }

    @Test("retries stop at the limit: the delivery is dead, and the next one goes through", arguments: Backend.all)
    func deadAtRetryLimit(_ backend: Backend) async throws {
        var policy = Self.quick
        policy.retry.maxAttempts = 3
        let (receiver, h, id, delivery) = try await Self.delivering(backend, answers: [.status(500), .status(429), .status(502)], policy: policy)
        defer { delivery.stop(); receiver.stop() }
        let first = UUID().uuidString, second = UUID().uuidString
        try await h.press(id, eventId: first)
        try await h.press(id, eventId: second)
        let settled = try await delivery.next(4)
        #expect(settled == [.willRetry(eventId: first, attempts: 1, error: "HTTP 500 Internal Server Error"),
                            .willRetry(eventId: first, attempts: 2, error: "HTTP 429 Too Many Requests"),
                            .dead(eventId: first, attempts: 3, error: "HTTP 502 Bad Gateway"),
                            .delivered(eventId: second, attempts: 1, status: 200)])
        #expect(try await h.core.store.callbackDelivery(eventId: first)?.state == .dead)
    }

    @Test("a slow callback holds neither ingest nor another device's deliveries", arguments: Backend.all)
    func slowCallbackBlocksNothing(_ backend: Backend) async throws {
        let (slow, slowURL) = try await HTTPReceiver.started(path: "/callback", answers: [.hold])
        defer { slow.stop() }
        let (fast, fastURL) = try await HTTPReceiver.started(path: "/callback")
        defer { fast.stop() }
        let h = try await Harness.make(backend, configure: Self.loopback)
        let a = newDeviceId(), b = newDeviceId()
        for (id, url) in [(a, slowURL), (b, fastURL)] {
            try await h.register(id)
            try await h.claim(id)
            try await h.setCallback(id, url: url)
        }
        let delivery = h.startDeliverer()
        defer { delivery.stop() }

        let a1 = UUID().uuidString, a2 = UUID().uuidString, b1 = UUID().uuidString
        try await h.press(a, eventId: a1)
        // A's receiver now holds the request unanswered...
        try await slow.waitForRequests(1)
        // ...and ingest still acknowledges at once: both events are stored, their callbacks pending.
        #expect(try await h.press(a, eventId: a2).duplicate == false)
        #expect(try await h.core.store.callbackDelivery(eventId: a1)?.state == .pending)
        #expect(try await h.core.store.callbackDelivery(eventId: a2)?.state == .pending)
        // B's callback is delivered while A's is stuck.
        try await h.press(b, eventId: b1)
        #expect(try await delivery.next(1) == [.delivered(eventId: b1, attempts: 1, status: 200)])
        #expect(try await h.core.store.callbackDelivery(eventId: a1)?.state == .pending)
        #expect(slow.deliveries.count == 1)
        // Once A's receiver answers, A's events follow, in order.
        slow.release()
        #expect(try await delivery.next(2) == [.delivered(eventId: a1, attempts: 1, status: 200),
                                                             .delivered(eventId: a2, attempts: 1, status: 200)])
        #expect(slow.deliveries.map { $0.headers["x-clickbridge-event-id"] } == [a1, a2])
    }

    @Test("an unreachable callback (closed port) is acknowledged at ingest, retried, then dead", arguments: Backend.all)
    func unreachableCallback(_ backend: Backend) async throws {
        // A port that was just free: nothing listens on it.
        let (closed, url) = try await HTTPReceiver.started(path: "/callback")
        closed.stop()
        try await Task.sleep(for: .milliseconds(100))
        var policy = Self.quick
        policy.retry.maxAttempts = 2
        // AsyncHTTPClient keeps retrying a refused connection until the request's deadline: keep it short.
        policy.timeout = 1
        let (h, id) = try await Self.claimedWithCallback(url, backend: backend, policy: policy)
        // Ingest commits the event and the pending delivery before any attempt is made.
        let eventId = UUID().uuidString
        #expect(try await h.press(id, eventId: eventId).duplicate == false)
        let queued = try #require(try await h.core.store.callbackDelivery(eventId: eventId))
        #expect(queued.state == .pending)
        #expect(queued.attempts == 0)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let settled = try await delivery.next(2)
        #expect(settled.map(\.eventId) == [eventId, eventId])
        guard case .dead(_, 2, let error) = settled.last else {
            Issue.record("expected dead after 2 attempts, got \(settled)")
            return
        }
        let record = try #require(try await h.core.store.callbackDelivery(eventId: eventId))
        #expect(record.state == .dead)
        #expect(record.attempts == 2)
        #expect(record.lastStatus == nil)
        #expect(record.lastError == error)
    }

    @Test("a delivery left pending is delivered by the next service started on the same state directory")
    func resumesAfterRestart() async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback")
        defer { receiver.stop() }
        let directory = temporaryDirectory()
        let eventId = UUID().uuidString
        let server = try await Self.restartedWithPendingDelivery(eventId, to: receiver, url: url, directory: directory)
        try await receiver.waitForRequests(1)
        // The answer is recorded just after the receiver sees the request: wait for the record
        // before stopping, or shutdown could cut the attempt short (it would stay pending).
        let store = try Store(directory: directory)
        var record = try await store.callbackDelivery(eventId: eventId)
        let deadline = ContinuousClock.now + .seconds(30)
        while record?.state == .pending, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            record = try await store.callbackDelivery(eventId: eventId)
        }
        await server.shutdown()
        #expect(receiver.deliveries.count == 1)
        #expect(receiver.deliveries.first?.headers["x-clickbridge-event-id"] == eventId)
        #expect(record?.state == .delivered)
        #expect(record?.attempts == 1)
    }

    @Test("shutdown interrupts a delivery in flight without counting it: it stays pending for the next start")
    func shutdownLeavesItPending() async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback", answers: [.hold])
        defer { receiver.stop() }
        let directory = temporaryDirectory()
        let eventId = UUID().uuidString
        let server = try await Self.restartedWithPendingDelivery(eventId, to: receiver, url: url, directory: directory)
        try await receiver.waitForRequests(1)
        // The receiver holds the request; shutdown returns anyway.
        await server.shutdown()
        let record = try #require(try await Store(directory: directory).callbackDelivery(eventId: eventId))
        #expect(record.state == .pending)
        #expect(record.attempts == 0)
    }

    @Test("stopping the deliverer finishes the report streams still open", arguments: Backend.all)
    func stopFinishesReports(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let delivery = h.startDeliverer()
        delivery.stop()
        await delivery.task.value
        var got: [CallbackReport] = []
        for await report in delivery.reports { got.append(report) }
        #expect(got.isEmpty)
    }

    @Test("callbacks retry connection errors, 429 and 5xx up to 8 attempts, 1 s doubling to 60 s from the upper half")
    func retryPolicy() {
        let policy = CallbackPolicy().retry
        #expect(policy.maxAttempts == 8)
        #expect(policy.allowsAttempt(after: 7) && !policy.allowsAttempt(after: 8))
        #expect([200, 202].map(policy.verdict(status:)) == [.success, .success])
        #expect([429, 500, 503, 599, 600].map(policy.verdict(status:)) == Array(repeating: .retry, count: 5))
        #expect([301, 400, 403, 404, 410].map(policy.verdict(status:)) == Array(repeating: .giveUp, count: 5))
        #expect(policy.connectionFailureVerdict == .retry)
        #expect(delays(1...8, .highest, policy.delay(afterAttempt:using:)) == [1, 2, 4, 8, 16, 32, 60, 60])
        #expect(delays(1...8, .lowest, policy.delay(afterAttempt:using:)) == [0.5, 1, 2, 4, 8, 16, 30, 30])
    }

    // MARK: helpers

    /// A registered, claimed device of `ownerA` whose onClick callback is `url`.
    /// A claimed device whose callback is a receiver giving `answers`, and the deliverer running.
    static func delivering(_ backend: Backend = .sqlite, answers: [HTTPReceiver.Answer], policy: CallbackPolicy = quick) async throws
        -> (HTTPReceiver, Harness, String, RunningDeliverer) {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback", answers: answers)
        do {
            let (h, id) = try await claimedWithCallback(url, backend: backend, policy: policy)
            return (receiver, h, id, h.startDeliverer())
        } catch {
            receiver.stop()
            throw error
        }
    }

    /// Stores `eventId` for a claimed device whose callback is `url`, in a service that stops
    /// before delivering it; then starts the next service on the same state directory.
    static func restartedWithPendingDelivery(_ eventId: String, to receiver: HTTPReceiver, url: String,
                                             directory: String) async throws -> RunningClaimServer {
        do {
            let (h, id) = try await claimedWithCallback(url, directory: directory)
            try await h.press(id, eventId: eventId)
            #expect(try await h.core.store.callbackDelivery(eventId: eventId)?.state == .pending)
        }
        #expect(receiver.deliveries.isEmpty)
        return try await ClaimServer.start(configuration: ClaimServiceConfiguration(
            stateDirectory: directory, authenticator: RejectAll(), callbackPolicy: quick, allowPrivateCallbacks: true))
    }

    static func claimedWithCallback(
        _ url: String, backend: Backend = .sqlite, policy: CallbackPolicy = quick, allowPrivate: Bool = true,
        directory: String = temporaryDirectory()
    ) async throws -> (Harness, String) {
        let h = try await Harness.make(backend, directory: directory) {
            $0.callbackPolicy = policy
            $0.allowPrivateCallbacks = allowPrivate
        }
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        try await h.setCallback(id, url: url)
        return (h, id)
    }

    /// The next `count` reports; fails after `limit` (a deadline for a broken deliverer, not a latency bound).
    static func collect(_ reports: AsyncStream<CallbackReport>, count: Int, limit: Duration = .seconds(90)) async throws -> [CallbackReport] {
        let got = await withTaskGroup(of: [CallbackReport]?.self) { group in
            group.addTask {
                var got: [CallbackReport] = []
                for await report in reports {
                    got.append(report)
                    if got.count == count { break }
                }
                return got
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let got, got.count == count else { throw ReceiverTimeout(expected: count, got: got?.count ?? 0) }
        return got
    }
}

extension Harness {
    func setCallback(_ id: String, url: String, as caller: Caller = ownerA) async throws {
        let parameters = String(data: try JSONSerialization.data(withJSONObject: ["callback": ["url": url]]), encoding: .utf8)!
        let body = String(data: try JSONSerialization.data(withJSONObject: [
            "deviceMethod": ["deviceType": "button", "methodName": "setOnClickCallback"],
            "deviceMethodParameters": parameters,
        ]), encoding: .utf8)!
        _ = try await ok(.invokeDeviceMethod(deviceId: id), as: caller, body: body, InvokeDeviceMethodResponse.self)
    }

    func setEnabled(_ id: String, _ enabled: Bool, as caller: Caller = ownerA) async throws {
        _ = try await ok(.updateDeviceState(deviceId: id), as: caller, body: "{\"enabled\":\(enabled)}", UpdateDeviceStateResponse.self)
    }
}

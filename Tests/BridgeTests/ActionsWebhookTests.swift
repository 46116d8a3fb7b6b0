import Bridge
import Foundation
import OneClick
import Testing
import TestSupport

@Suite("Actions: webhook")
struct ActionsWebhookTests {
    @Test("the receiver gets the payload and a valid signature; a 503 is retried; nothing is sent after success")
    func deliverySignatureRetry() async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/hook", answers: [503])
        defer { receiver.stop() }
        let sender = WebhookSender(policy: .webhooks.with(backoff: Backoff(initial: 0.05, cap: 30)))
        let hook = WebhookAction(url: url, headers: [.init(name: "Authorization", value: "Bearer t0ken")],
                                 secret: "s3cret", timeout: .seconds(5), retries: 3)
        let event = sampleEvent(click: .long)
        let outcome = await sender.send(hook, event: event)
        await sender.shutdown()

        #expect(outcome.succeeded, "\(outcome.summary)")
        #expect(outcome.attempts == 2)
        #expect(outcome.status == 200)
        let deliveries = receiver.deliveries
        // One 503, one success, and no third request.
        #expect(deliveries.count == 2)
        for d in deliveries {
            #expect(d.method == "POST")
            #expect(d.path == "/hook")
            #expect(d.body == event.payload)
            #expect(d.headers["content-type"] == "application/json")
            #expect(d.headers["authorization"] == "Bearer t0ken")
            #expect(d.headers["x-clickbridge-event-id"] == event.eventId)
            let signature = try #require(d.headers["x-clickbridge-signature"])
            #expect(WebhookSignature.isValid(signature, body: d.body, secret: "s3cret"))
            #expect(!WebhookSignature.isValid(signature, body: d.body, secret: "other"))
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(deliveries[1].body)) as? [String: Any])
        let clicked = (json["deviceEvent"] as? [String: Any])?["buttonClicked"] as? [String: Any]
        #expect(clicked?["clickType"] as? String == "LONG")
        #expect((json["deviceInfo"] as? [String: Any])?["deviceId"] as? String == "G030PM0123456789")
    }

    @Test("webhooks retry connection errors, 429 and 5xx, 0.5 s doubling to 30 s from the upper half; other answers are final")
    func retryPolicy() {
        let policy = RetryPolicy.webhooks
        #expect([200, 204].map(policy.verdict(status:)) == [.success, .success])
        #expect([429, 500, 502, 503, 504, 599, 600].map(policy.verdict(status:)) == Array(repeating: .retry, count: 7))
        #expect([301, 302, 400, 401, 403, 404, 409, 413].map(policy.verdict(status:)) == Array(repeating: .giveUp, count: 8))
        #expect(policy.connectionFailureVerdict == .retry)
        #expect(delays(1...8, .highest, policy.delay(afterAttempt:using:)) == [0.5, 1, 2, 4, 8, 16, 30, 30])
        #expect(delays(1...8, .lowest, policy.delay(afterAttempt:using:)) == [0.25, 0.5, 1, 2, 4, 8, 15, 15])
    }

    @Test("the signature is HMAC-SHA256 of the body in lowercase hex (RFC 4231 test case 2)")
    func signatureFormat() {
        let header = WebhookSignature.header(body: Array("what do ya want for nothing?".utf8), secret: "Jefe")
        #expect(header == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("retries stop at the limit")
    func retryLimit() async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/hook", answers: [500, 502, 503, 504, 200])
        defer { receiver.stop() }
        let sender = WebhookSender(policy: .webhooks.with(backoff: Backoff(initial: 0.01, cap: 30)))
        let outcome = await sender.send(WebhookAction(url: url, retries: 2), event: sampleEvent())
        await sender.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.attempts == 3)
        #expect(outcome.error == "HTTP 503 Service Unavailable")
        #expect(receiver.deliveries.count == 3)
    }

    @Test("a 4xx is final: no retry")
    func clientErrorIsFinal() async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/hook", answers: [404])
        defer { receiver.stop() }
        let sender = WebhookSender(policy: .webhooks.with(backoff: Backoff(initial: 0.01, cap: 30)))
        let outcome = await sender.send(WebhookAction(url: url, method: "PUT", retries: 5), event: sampleEvent())
        await sender.shutdown()
        #expect(outcome.attempts == 1)
        #expect(outcome.status == 404)
        #expect(receiver.deliveries.map(\.method) == ["PUT"])
    }

    @Test("connection errors are retried up to the limit, then reported")
    func refused() async throws {
        // A port that was just free: nothing listens there.
        let (receiver, url) = try await HTTPReceiver.started(path: "/hook")
        receiver.stop()
        try await Task.sleep(for: .milliseconds(100))
        let sender = WebhookSender(policy: .webhooks.with(backoff: Backoff(initial: 0.01, cap: 30)))
        let outcome = await sender.send(WebhookAction(url: url, timeout: .seconds(2), retries: 2), event: sampleEvent())
        await sender.shutdown()
        #expect(!outcome.succeeded)
        #expect(outcome.attempts == 3)
        #expect(outcome.status == nil)
    }
}

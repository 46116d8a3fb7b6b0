import Foundation
import Synchronization
import TestSupport
import Testing
import TestSupport
@testable import OneClick

/// Error answers and retries, against a real loopback server that answers as told.
@Suite(.serialized)
struct ClientErrorTests {
    static let credentials = ClientCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret")
    static let fast = RetryPolicy.client.with(maxAttempts: 3).with(backoff: Backoff(initial: 0, cap: 0))

    func serviceError(status: Int, headers: [(String, String)] = [], body: String, a4b: Bool = false) async throws -> AWSServiceError? {
        let server = try LoopbackHTTPServer { _ in .init(status: status, headers: headers, body: body) }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: .none)
        do {
            if a4b {
                _ = try await client.registerAVSDevice(RegisterAVSDeviceRequest(clientId: "c", userCode: "u", productId: "p", amazonId: "a"))
            } else {
                _ = try await client.finalizeDeviceClaim(deviceId: "G1")
            }
            Issue.record("no error")
            return nil
        } catch {
            return error.serviceError
        }
    }

    // The cases verified against botocore 1.34.120 (rest-json).
    @Test func restJSONErrorCodes() async throws {
        var e = try await serviceError(status: 404, headers: [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal/")], body: #"{"message":"nope"}"#)
        #expect(e == AWSServiceError(statusCode: 404, code: "ResourceNotFoundException", message: "nope"))
        e = try await serviceError(status: 404, body: #"{"code":"ResourceNotFoundException","message":"nope"}"#)
        #expect(e?.code == "ResourceNotFoundException")
        e = try await serviceError(status: 404, body: #"{"__type":"ResourceNotFoundException","message":"nope"}"#)
        #expect(e?.code == "ResourceNotFoundException")
        e = try await serviceError(status: 409, headers: [("x-amzn-ErrorType", "ResourceConflictException")], body: #"{"code":"InvalidRequestException","message":"m"}"#)
        #expect(e?.code == "ResourceConflictException")
        e = try await serviceError(status: 400, body: #"{"code":"InvalidRequestException","__type":"ResourceConflictException","message":"m"}"#)
        #expect(e?.code == "InvalidRequestException")
        e = try await serviceError(status: 412, body: #"{"message":"m"}"#)
        #expect(e == AWSServiceError(statusCode: 412, code: "412", message: "m"))
        e = try await serviceError(status: 400, headers: [("x-amzn-ErrorType", "InvalidRequestException")], body: #"{"Message":"cap"}"#)
        #expect(e?.message == "cap")
        e = try await serviceError(status: 403, headers: [("x-amzn-RequestId", "r-1")], body: "not json")
        #expect(e == AWSServiceError(statusCode: 403, code: "403", message: "", requestId: "r-1"))
    }

    @Test func json11ErrorCodesComeOnlyFromType() async throws {
        var e = try await serviceError(status: 400, body: #"{"__type":"InvalidDeviceException","Message":"bad"}"#, a4b: true)
        #expect(e == AWSServiceError(statusCode: 400, code: "InvalidDeviceException", message: "bad"))
        e = try await serviceError(status: 400, body: #"{"__type":"com.amazonaws.alexaforbusiness#NotFoundException","message":"nf"}"#, a4b: true)
        #expect(e?.code == "NotFoundException")
        e = try await serviceError(status: 400, headers: [("x-amzn-ErrorType", "LimitExceededException")], body: #"{"message":"m"}"#, a4b: true)
        #expect(e?.code == "400")
        e = try await serviceError(status: 400, body: #"{"code":"LimitExceededException","message":"m"}"#, a4b: true)
        #expect(e?.code == "400")
    }

    @Test func fiveHundredsAreRetriedThenSucceed() async throws {
        let count = Mutex(0)
        let server = try LoopbackHTTPServer { _ in
            let n = count.withLock { $0 += 1; return $0 }
            return n < 3 ? .init(status: 503, body: #"{"message":"busy"}"#) : .init(status: 200, body: #"{"state":"CLAIMED"}"#)
        }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: Self.fast)
        let answer = try await client.finalizeDeviceClaim(deviceId: "G1")
        #expect(answer.state == "CLAIMED")
        #expect(server.requests.count == 3)
        // Each attempt is signed afresh (its own Authorization over its own X-Amz-Date).
        #expect(server.requests.allSatisfy { $0.header("authorization") != nil && $0.header("x-amz-date") != nil })
    }

    /// Like botocore, every call carries a fresh `amz-sdk-invocation-id` (kept across its
    /// retries) and `amz-sdk-request: attempt=N; max=M`; unlike botocore, both are signed. So
    /// every attempt of every call has its own signature even within one second (the X-Amz-Date
    /// granularity), and the service's replay protection never refuses a poll or a retry.
    @Test func everyCallAndEveryAttemptIsSignedUniquely() async throws {
        let count = Mutex(0)
        let server = try LoopbackHTTPServer { _ in
            let n = count.withLock { $0 += 1; return $0 }
            return n == 1 ? .init(status: 503, body: #"{"message":"busy"}"#) : .init(status: 200, body: #"{"state":"CLAIMED"}"#)
        }
        defer { server.stop() }
        let fixed = Date(timeIntervalSince1970: 1_795_000_000)
        let client = try OneClickClient(endpoint: URL(string: server.endpoint)!, credentials: Self.credentials,
                                        retry: Self.fast, now: { fixed })
        _ = try await client.finalizeDeviceClaim(deviceId: "G1")   // 503, then 200
        _ = try await client.finalizeDeviceClaim(deviceId: "G1")   // the same call again, same second
        let sent = server.requests
        #expect(sent.count == 3)
        let ids = sent.map { $0.header("amz-sdk-invocation-id") ?? "" }
        #expect(ids[0] == ids[1] && ids[1] != ids[2])
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() })
        #expect(sent.map { $0.header("amz-sdk-request") } == ["attempt=1; max=3", "attempt=2; max=3", "attempt=1; max=3"])
        let signed = sent.map { $0.header("authorization")?.components(separatedBy: "SignedHeaders=").last?.components(separatedBy: ",").first }
        #expect(signed.allSatisfy { $0 == "amz-sdk-invocation-id;amz-sdk-request;content-type;host;x-amz-date" })
        #expect(Set(sent.map { $0.header("x-amz-date") }) == ["20261118T110640Z"])
        let signatures = sent.map { $0.header("authorization")?.components(separatedBy: "Signature=").last }
        #expect(Set(signatures).count == 3)
        // And what was sent verifies.
        for request in sent {
            _ = try SigV4Verifier().verify(
                SigV4Request(method: request.method, rawPath: request.path, rawQuery: request.query, headers: request.headers, body: request.body),
                service: "iot1click", now: fixed) { _ in SigV4Identity(principal: "p", accountId: "1", secretAccessKey: "secret") }
        }
    }

    @Test func fiveHundredsStopAfterMaxAttempts() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 500, headers: [("x-amzn-ErrorType", "InternalFailureException")], body: #"{"message":"boom"}"#) }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: Self.fast)
        await #expect(throws: OneClickClientError.self) { _ = try await client.describeDevice(deviceId: "G1") }
        #expect(server.requests.count == 3)
    }

    @Test(arguments: [400, 403, 404, 409, 412, 429])
    func otherStatusesAreNotRetried(_ status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: status, body: #"{"message":"no"}"#) }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: Self.fast)
        do {
            _ = try await client.describeDevice(deviceId: "G1")
            Issue.record("no error")
        } catch {
            #expect(error.serviceError?.statusCode == status)
        }
        #expect(server.requests.count == 1)
    }

    @Test func connectionErrorsAreRetriedThenReported() async throws {
        let endpoint = "http://127.0.0.1:\(try freePort())"
        let client = try OneClickClient(endpoint: endpoint, credentials: Self.credentials, retry: Self.fast)
        do {
            _ = try await client.describeDevice(deviceId: "G1")
            Issue.record("no error")
        } catch {
            guard case let .connection(endpoint, attempts, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(endpoint == client.endpoint.absoluteString)
            #expect(attempts == 3)
            #expect(error.description.contains("is the service running there?"))
        }
    }

    @Test func malformedSuccessBodyIsReported() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 200, body: #"{"deviceMethods":"not a list"}"#) }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: .none)
        do {
            _ = try await client.getDeviceMethods(deviceId: "G1")
            Issue.record("no error")
        } catch {
            guard case .malformedResponse(let operation, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(operation == "GetDeviceMethods")
        }
    }

    @Test func emptySuccessBodyDecodesAsEmptyObject() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 200, body: "") }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: .none)
        #expect(try await client.updateDeviceState(deviceId: "G1", enabled: true) == UpdateDeviceStateResponse())
    }

    @Test func claimRefusalReasonIsReadFromItsHeader() async throws {
        let e = try await serviceError(status: 412, headers: [("X-ClickBridge-Reason", "claim-expired")],
                                       body: #"{"code":"PreconditionFailedException","message":"m"}"#)
        #expect(e?.reason == "claim-expired")
        #expect(try await serviceError(status: 412, body: #"{"message":"m"}"#)?.reason == nil)
    }

    /// Waiting for a press reads the 412's reason header, never its message.
    @Test(arguments: [
        ("claim-expired", "nothing to see here", true),
        ("claim-not-initiated", "nothing to see here", true),
        ("no-press-since-initiation", "the claim expired", false),
        (nil, "no claim initiated; the claim expired", false),
    ] as [(String?, String, Bool)])
    func waitingEndsOnlyOnAReasonAPressCannotFix(reason: String?, message: String, final: Bool) async throws {
        let server = try LoopbackHTTPServer { _ in
            .init(status: 412, headers: [("x-amzn-ErrorType", "PreconditionFailedException")] + (reason.map { [("x-clickbridge-reason", $0)] } ?? []),
                  body: #"{"code":"PreconditionFailedException","message":"\#(message)"}"#)
        }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: .none)
        do {
            // Long enough that a final refusal can only end the wait by its reason; short enough for a test that waits.
            _ = try await client.finalizeWhenPressed(deviceId: "G1", timeout: final ? .seconds(120) : .milliseconds(300), interval: .milliseconds(50))
            Issue.record("claimed")
        } catch {
            switch error {
            case .failed(let failure): #expect(final, "gave up at once: \(failure)")
            case .noPress: #expect(!final, "kept waiting")
            }
        }
        if final { #expect(server.requests.count == 1) }
    }

    @Test func clientRetriesOnly5xxUpTo5AttemptsWithFullJitter() {
        let policy = RetryPolicy.client
        #expect(policy.maxAttempts == 5)
        #expect(policy.allowsAttempt(after: 4) && !policy.allowsAttempt(after: 5))
        #expect([200, 204].map(policy.verdict(status:)) == [.success, .success])
        #expect([500, 502, 503, 599].map(policy.verdict(status:)) == Array(repeating: .retry, count: 4))
        #expect([400, 403, 404, 409, 412, 429, 600].map(policy.verdict(status:)) == Array(repeating: .giveUp, count: 7))
        #expect(policy.connectionFailureVerdict == .retry)
        #expect(delays(1...8, .highest, policy.delay(afterAttempt:using:)) == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5])
        #expect(delays(1...8, .lowest, policy.delay(afterAttempt:using:)) == Array(repeating: 0, count: 8))
        #expect(RetryPolicy.none.maxAttempts == 1)
    }
}

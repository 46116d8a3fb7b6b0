import Foundation
import HTTPTypes
import OneClick
import Testing

@testable import ClaimService

/// The service over real HTTP on loopback, every request SigV4-signed against a real credentials
/// file: wire details, errors per protocol, authentication, limits, isolation and concurrency.
@Suite struct HTTPTests {
    func register(_ s: LiveService, _ id: String, code: String? = nil, profile: String = "bridge") async throws {
        let body = code.map { #"{"type":"button","claimCode":"\#($0)"}"# } ?? #"{"type":"button"}"#
        let r = try await s.send("PUT", "/devices/\(id)/registration", body: body, profile: profile)
        #expect(r.status == 200, "\(r.body)")
        #expect(r.json["registered"] as? Bool == true)
    }

    func press(_ s: LiveService, _ id: String, profile: String = "bridge") async throws {
        let body = #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(WireTimestamp.now().formatted)","remainingLife":88.5}"#
        let r = try await s.send("POST", "/devices/\(id)/events", body: body, profile: profile)
        #expect(r.status == 200, "\(r.body)")
        #expect(r.json["duplicate"] as? Bool == false)
    }

    func expectError(_ r: LiveService.Answer, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(r.body)", sourceLocation: sourceLocation)
        #expect(r.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        #expect(r.headers[raw: "x-amzn-ErrorType"] == code, sourceLocation: sourceLocation)
        #expect(r.headers[raw: "x-amzn-RequestId"]?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(r.json["code"] as? String == code, sourceLocation: sourceLocation)
        #expect((r.json["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    @Test("a port another service holds is told apart by its errno, not its text")
    func takenPortIsAddressInUse() async throws {
        let first = try await LiveService.start()
        defer { Task { await first.shutdown() } }
        do {
            let second = try await LiveService.start { $0.port = first.port }
            await second.shutdown()
            Issue.record("two services listen on \(first.port)")
        } catch let error as ClaimServerError {
            #expect(error.isAddressInUse, "\(error)")
        }
    }

    @Test func handshakeAndWireDetails() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        let id = newDeviceId()
        try await register(s, id)
        let initiated = try await s.send("PUT", "/devices/\(id)/initiate-claim")
        #expect(initiated.status == 200)
        #expect(initiated.body == #"{"state":"CLAIM_INITIATED"}"#)
        #expect(initiated.headers[.contentType] == "application/json")
        #expect(initiated.headers[.date]?.hasSuffix(" GMT") == true)
        let early = try await s.send("PUT", "/devices/\(id)/finalize-claim", body: "{}")
        expectError(early, 412, "PreconditionFailedException")
        #expect((early.json["message"] as? String)?.contains("press the button on \(id)") == true)
        // The reason goes in a header, so the body stays exactly the model's code and message.
        #expect(early.headers[raw: ClaimRefusalReason.header] == "no-press-since-initiation")
        #expect(Set(early.json.keys) == ["code", "message"])
        let other = newDeviceId()
        try await register(s, other)
        let uninitiated = try await s.send("PUT", "/devices/\(other)/finalize-claim", body: "{}")
        expectError(uninitiated, 412, "PreconditionFailedException")
        #expect(uninitiated.headers[raw: ClaimRefusalReason.header] == "claim-not-initiated")
        #expect(Set(uninitiated.json.keys) == ["code", "message"])
        try await press(s, id)
        let claimed = try await s.send("PUT", "/devices/\(id)/finalize-claim", body: #"{"tags": {"k": "v"}}"#)
        #expect(claimed.body == #"{"state":"CLAIMED"}"#)
        let described = try await s.send("GET", "/devices/\(id)", region: "eu-central-1")
        let d = try #require(described.json["deviceDescription"] as? [String: Any])
        #expect(d["arn"] as? String == "arn:aws:iot1click:eu-central-1:111122223333:devices/\(id)")
        #expect(d["tags"] as? [String: String] == ["k": "v"])
        #expect(d["remainingLife"] as? Double == 88.5)
        // Tags on the percent-encoded ARN label: 204 with no body.
        let label = "arn%3Aaws%3Aiot1click%3Aus-east-1%3A111122223333%3Adevices%2F\(id)"
        let tagged = try await s.send("POST", "/tags/\(label)", body: #"{"tags":{"b":"2"}}"#)
        #expect(tagged.status == 204)
        #expect(tagged.body.isEmpty)
        let untagged = try await s.send("DELETE", "/tags/\(label)", query: "tagKeys=k&tagKeys=b")
        #expect(untagged.status == 204)
        #expect(try await s.send("GET", "/tags/\(label)").body == #"{"tags":{}}"#)
        // Events with botocore's timestamp forms.
        let events = try await s.send("GET", "/devices/\(id)/events",
                                      query: "fromTimeStamp=2018-01-01T00%3A00%3A00Z&toTimeStamp=2100-01-01T12%3A00%3A00.123000Z&maxResults=10")
        #expect(events.status == 200, "\(events.body)")
        let list = try #require(events.json["events"] as? [[String: Any]])
        #expect(list.count == 1)
        #expect((list.first?["stdEvent"] as? String)?.contains(#""testMode":false"#) == true)
        // Isolation over HTTP.
        expectError(try await s.send("GET", "/devices/\(id)", profile: "other"), 404, "ResourceNotFoundException")
        expectError(try await s.send("PUT", "/devices/\(id)/initiate-claim", profile: "other"), 409, "ResourceConflictException")
        // InitiateDeviceClaim as botocore sends it: PUT with no body and no Content-Type.
        let unclaimed = try await s.send("PUT", "/devices/\(id)/unclaim")
        #expect(unclaimed.body == #"{"state":"UNCLAIMED"}"#)
    }

    @Test func authenticationFailures() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        expectError(try await s.send("GET", "/devices", profile: nil), 403, "MissingAuthenticationTokenException")
        expectError(try await s.send("GET", "/devices", secret: "wrong-secret"), 403, "InvalidSignatureException")
        expectError(try await s.send("GET", "/devices", date: Date().addingTimeInterval(-6 * 60)), 403, "InvalidSignatureException")
        expectError(try await s.send("GET", "/devices", date: Date().addingTimeInterval(6 * 60)), 403, "InvalidSignatureException")
        #expect(try await s.send("GET", "/devices", date: Date().addingTimeInterval(-4 * 60)).status == 200)
        expectError(try await s.send("GET", "/devices", service: "a4b"), 403, "InvalidSignatureException")
        let unknownKey = try await s.send("GET", "/devices", headers: [
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIANOSUCHKEY0000000/20260101/us-east-1/iot1click/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"),
            ("X-Amz-Date", "20260101T000000Z"),
        ], date: Date())
        #expect(unknownKey.status == 403)
        // The A4B route answers auth failures in its own shape.
        let a4b = try await s.send("POST", "/", body: "{}", profile: nil, service: "a4b", headers: [
            ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AlexaForBusiness.RegisterAVSDevice")])
        #expect(a4b.status == 403)
        #expect(a4b.json["__type"] as? String == "MissingAuthenticationTokenException")
        #expect((a4b.json["Message"] as? String)?.isEmpty == false)
        #expect(a4b.headers[.contentType] == "application/x-amz-json-1.1")
    }

    @Test func badInputIsAlways4xx() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        expectError(try await s.send("GET", "/no/such/route"), 404, "UnknownOperationException")
        expectError(try await s.send("PATCH", "/devices/G1"), 404, "UnknownOperationException")
        expectError(try await s.send("GET", "/devices/%zz"), 400, "InvalidRequestException")
        expectError(try await s.send("GET", "/devices", query: "maxResults=%"), 400, "InvalidRequestException")
        expectError(try await s.send("PUT", "/devices/G1/registration", body: "{not json", profile: "bridge"), 400, "InvalidRequestException")
        expectError(try await s.send("POST", "/devices/G1/events", body: #"{"eventId":[],"clickType":1}"#, profile: "bridge"), 400, "InvalidRequestException")
        let big = String(repeating: "x", count: 64 * 1024 + 1)
        expectError(try await s.send("POST", "/devices/G1/events", body: big, profile: "bridge"), 413, "RequestEntityTooLargeException")
        let avs = try await s.send("POST", "/", body: "[]", service: "a4b", headers: [
            ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AlexaForBusiness.RegisterAVSDevice")])
        #expect(avs.status == 400)
        #expect(avs.json["__type"] as? String == "ValidationException")
        let unknownTarget = try await s.send("POST", "/", body: "{}", service: "a4b", headers: [
            ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AlexaForBusiness.DeleteEverything")])
        #expect(unknownTarget.status == 404)
        #expect(unknownTarget.json["__type"] as? String == "UnknownOperationException")
    }

    @Test func preflightAnswers200OnEveryRoute() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        for path in ["/devices", "/devices/G1/finalize-claim", "/tags/x", "/claims/C-0123456789", "/", "/nowhere"] {
            let r = try await s.send("OPTIONS", path, profile: nil, headers: [("Origin", "http://localhost:3000"), ("Access-Control-Request-Method", "PUT")])
            #expect(r.status == 200, "\(path)")
            #expect(r.headers[raw: "Access-Control-Allow-Origin"] == "*")
            #expect(r.headers[raw: "Access-Control-Allow-Methods"]?.contains("PUT") == true)
            #expect(try await s.send("OPTIONS", path, profile: nil).status == 200)
        }
    }

    @Test func racingFinalizersProduceExactlyOneOwner() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        for _ in 0..<10 {
            let id = newDeviceId()
            try await register(s, id)
            #expect(try await s.send("PUT", "/devices/\(id)/initiate-claim", profile: "owner").status == 200)
            #expect(try await s.send("PUT", "/devices/\(id)/initiate-claim", profile: "other").status == 200)
            try await press(s, id)
            async let a = s.send("PUT", "/devices/\(id)/finalize-claim", body: "{}", profile: "owner")
            async let b = s.send("PUT", "/devices/\(id)/finalize-claim", body: "{}", profile: "other")
            let statuses = try await [a.status, b.status].sorted()
            #expect(statuses == [200, 409])
        }
    }

    @Test func unsignedOnlyWhenAllowedAndOnlyOnLoopback() async throws {
        let s = try await LiveService.start { $0.allowUnsigned = true }
        defer { Task { await s.shutdown() } }
        #expect(try await s.send("GET", "/devices", profile: nil).status == 200)
        // A signature that is present must still be right.
        #expect(try await s.send("GET", "/devices", secret: "wrong").status == 403)
        #expect(throws: ClaimServerError.self) {
            try ClaimServer(configuration: ClaimServiceConfiguration(
                stateDirectory: temporaryDirectory(), host: "0.0.0.0", authenticator: RejectAll(), allowUnsigned: true))
        }
    }

    @Test func stateSurvivesARestartOnTheSameDirectory() async throws {
        let s = try await LiveService.start()
        let id = newDeviceId()
        try await register(s, id)
        #expect(try await s.send("PUT", "/devices/\(id)/initiate-claim").status == 200)
        try await press(s, id)
        #expect(try await s.send("PUT", "/devices/\(id)/finalize-claim", body: "{}").status == 200)
        await s.shutdown()
        let store = try CredentialStore(path: s.directory + "/credentials")
        let again = try await ClaimServer.start(configuration: ClaimServiceConfiguration(
            stateDirectory: s.directory + "/state", authenticator: CredentialStoreAuthenticator(store: store)))
        let s2 = LiveService(server: again, port: again.port, credentials: s.credentials, directory: s.directory)
        defer { Task { await s2.shutdown() } }
        #expect(try await s2.send("GET", "/devices/\(id)").status == 200)
    }
}

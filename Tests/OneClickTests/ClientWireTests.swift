import Foundation
import Testing
@testable import OneClick

/// The client's requests as they arrive on a real socket, compared with what botocore 1.34.120
/// sends for the same call (the fixture), and verified with the SigV4 verifier.
@Suite(.serialized)
struct ClientWireTests {
    static let fixture = BotocoreConformanceTests.fixture
    static let credentials = ClientCredentials(accessKeyId: fixture.accessKeyId, secretAccessKey: fixture.secretAccessKey)
    static let arn = "arn:aws:iot1click:us-east-1:123456789012:devices/G030PM0123456789"
    static let device = "G030PM0123456789"

    /// Makes the same call botocore made for the fixture entry `name`.
    static func call(_ name: String, _ c: OneClickClient) async throws {
        switch name {
        case "claim_devices_by_claim_code": _ = try await c.claimDevicesByClaimCode("C-ABC/DEF 123")
        case "describe_device": _ = try await c.describeDevice(deviceId: device)
        case "finalize_device_claim": _ = try await c.finalizeDeviceClaim(deviceId: device, tags: ["k": "v", "room": "kitchen 1"])
        case "get_device_methods": _ = try await c.getDeviceMethods(deviceId: device)
        case "initiate_device_claim": _ = try await c.initiateDeviceClaim(deviceId: device)
        case "invoke_device_method":
            _ = try await c.invokeDeviceMethod(deviceId: device, deviceMethod: DeviceMethod(deviceType: "button", methodName: "getDeviceHealthParameters"),
                                               deviceMethodParameters: #"{"color":"red"}"#)
        case "list_device_events":
            _ = try await c.listDeviceEvents(deviceId: device, from: Date(timeIntervalSince1970: 1_514_764_800),
                                             to: Date(timeIntervalSince1970: 1_514_894_400.123), maxResults: 10, nextToken: "a/b+c=")
        case "list_devices": _ = try await c.listDevices(deviceType: "button", maxResults: 5, nextToken: "t1")
        case "list_tags_for_resource": _ = try await c.listTagsForResource(resourceArn: arn)
        case "tag_resource": try await c.tagResource(resourceArn: arn, tags: ["a": "1"])
        case "unclaim_device": _ = try await c.unclaimDevice(deviceId: device)
        case "untag_resource": try await c.untagResource(resourceArn: arn, tagKeys: ["b", "a", "with space"])
        case "update_device_state": _ = try await c.updateDeviceState(deviceId: device, enabled: false)
        case "register_avs_device":
            _ = try await c.registerAVSDevice(RegisterAVSDeviceRequest(
                clientId: "amzn1.application-oa2-client.0123", userCode: "ABC123", productId: "my_product",
                deviceSerialNumber: "SN0123456789", amazonId: "A1B2C3D4E5", tags: [A4BTag(key: "k", value: "v")]))
        default: Issue.record("no client call for \(name)")
        }
    }

    static func queryPairs(_ query: String) -> [String: [String]] {
        var pairs: [String: [String]] = [:]
        for part in query.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            var value = AWSPercentEncoding.decode(kv.count > 1 ? String(kv[1]) : "")
            // Timestamps: botocore writes .123000Z, the client .123Z; compare the instants.
            if let t = WireTimestamp(value) { value = "@\(t.microseconds)" }
            pairs[AWSPercentEncoding.decode(String(kv[0])), default: []].append(value)
        }
        return pairs.mapValues { $0.sorted() }
    }

    /// JSON text in a canonical form (keys sorted), to compare bodies regardless of spacing and order.
    static func json(_ text: String) -> String? {
        guard !text.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: BotocoreConformanceTests.fixture.requests.filter { $0.url.hasPrefix("http://127.0.0.1") })
    func requestMatchesBotocore(_ recorded: BotocoreConformanceTests.Recorded) async throws {
        let server = try LoopbackHTTPServer { request in
            request.method == "POST" && request.path.hasPrefix("/tags/") || request.method == "DELETE"
                ? .init(status: 204) : .init(status: 200, body: "{}")
        }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, region: recorded.region, retry: .none)
        try await Self.call(recorded.name, client)
        let sent = try #require(server.requests.first)
        let expected = recorded.rawTarget

        #expect(sent.method == recorded.method)
        #expect(sent.path == expected.path)
        #expect(Self.queryPairs(sent.query) == Self.queryPairs(expected.query))
        #expect(sent.header("content-type") == recorded.header("content-type"))
        #expect(sent.header("x-amz-target") == recorded.header("x-amz-target"))
        #expect(sent.header("host") == "127.0.0.1:\(server.port)")
        #expect(Self.json(String(decoding: sent.body, as: UTF8.self)) == Self.json(recorded.body))
        let signedHeaders = { (auth: String?) in auth?.components(separatedBy: "SignedHeaders=").last?.components(separatedBy: ",").first }
        // botocore's signed headers, plus the two SDK headers botocore sends unsigned and this
        // client signs (so that no two of its requests share a signature; see ClientErrorTests).
        let botocoreSigned = signedHeaders(recorded.authorization)?.split(separator: ";").map(String.init) ?? []
        #expect(signedHeaders(sent.header("authorization"))
                == (botocoreSigned + ["amz-sdk-invocation-id", "amz-sdk-request"]).sorted().joined(separator: ";"))
        #expect(recorded.header("amz-sdk-invocation-id") != nil && sent.header("amz-sdk-invocation-id") != nil)

        // What arrived verifies, scope and all.
        let principal = try SigV4Verifier().verify(
            SigV4Request(method: sent.method, rawPath: sent.path, rawQuery: sent.query, headers: sent.headers, body: sent.body),
            service: recorded.service, now: Date()) { _ in
                SigV4Identity(principal: "p", accountId: "123456789012", secretAccessKey: Self.fixture.secretAccessKey)
            }
        #expect(principal.region == recorded.region)
    }

    @Test func deviceSideCalls() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path.hasSuffix("/registration")
                ? .init(status: 200, body: #"{"deviceId":"G1","registered":true}"#)
                : .init(status: 200, body: #"{"eventId":"e1","duplicate":false}"#)
        }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint, credentials: Self.credentials, retry: .none)
        let registered = try await client.registerDevice(deviceId: "G1", DeviceRegistrationRequest(claimCode: "C-0123456789"))
        #expect(registered == DeviceRegistrationResponse(deviceId: "G1", registered: true))
        let published = try await client.publishEvent(deviceId: "G1", DeviceEventRequest(eventId: "e1", clickType: "SINGLE", reportedTime: "2026-11-22T00:00:00.000Z"))
        #expect(published == DeviceEventResponse(eventId: "e1", duplicate: false))
        let (registration, event) = (server.requests[0], server.requests[1])
        #expect(registration.method == "PUT" && registration.path == "/devices/G1/registration")
        #expect(Self.json(String(decoding: registration.body, as: UTF8.self)) == Self.json(#"{"type":"button","claimCode":"C-0123456789"}"#))
        #expect(event.method == "POST" && event.path == "/devices/G1/events")
        #expect(Self.json(String(decoding: event.body, as: UTF8.self))
                == Self.json(#"{"eventId":"e1","clickType":"SINGLE","reportedTime":"2026-11-22T00:00:00.000Z"}"#))
        #expect(registration.header("authorization")?.contains("/iot1click/aws4_request") == true)
    }

    @Test func endpointPathPrefixesEveryRequest() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 200, body: "{}") }
        defer { server.stop() }
        let client = try OneClickClient(endpoint: server.endpoint + "/base/", credentials: Self.credentials, retry: .none)
        _ = try await client.describeDevice(deviceId: "G1")
        #expect(server.requests.first?.path == "/base/devices/G1")
    }

    @Test func badEndpointIsAClearError() {
        #expect(throws: OneClickClientError.self) { try OneClickClient(endpoint: "ftp://x", credentials: Self.credentials) }
        #expect(throws: OneClickClientError.self) { try OneClickClient(endpoint: "127.0.0.1:8787", credentials: Self.credentials) }
    }
}

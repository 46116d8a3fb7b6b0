import Foundation
import GRDB
import HTTPTypes
import OneClick
import Testing

@testable import ClaimService

/// Request bodies must be UTF-8 on every route, checked in one place (the HTTP front) and
/// answered with each protocol's 400, before any handler reads them. (Before, JSONDecoder
/// refused a bad byte only inside a member it decoded, as "not valid JSON", and let one through
/// in a member it skipped: FinalizeDeviceClaim, RegisterAVSDevice and events all answered 200.)
@Suite struct BodyEncodingTests {
    /// The JSON with every `@` made a 0xFF byte, which UTF-8 never uses.
    static func withBadByte(_ json: String) -> [UInt8] {
        json.utf8.map { $0 == UInt8(ascii: "@") ? 0xFF : $0 }
    }

    func expectRestJSON400(_ r: LiveService.Answer, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 400, "\(r.body)", sourceLocation: sourceLocation)
        #expect(r.headers[raw: "x-amzn-ErrorType"] == "InvalidRequestException", sourceLocation: sourceLocation)
        #expect(r.json["code"] as? String == "InvalidRequestException", sourceLocation: sourceLocation)
        #expect((r.json["message"] as? String)?.contains("not valid UTF-8") == true, "\(r.body)", sourceLocation: sourceLocation)
    }

    /// A registered device whose owner initiated a claim and whose button was pressed: ready for
    /// FinalizeDeviceClaim.
    static func claimInitiatedAndPressed(_ s: LiveService, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let id = newDeviceId()
        #expect(try await s.send("PUT", "/devices/\(id)/registration", body: #"{"type":"button"}"#, profile: "bridge").status == 200,
                sourceLocation: sourceLocation)
        #expect(try await s.send("PUT", "/devices/\(id)/initiate-claim").status == 200, sourceLocation: sourceLocation)
        let event = #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(WireTimestamp.now().formatted)"}"#
        #expect(try await s.send("POST", "/devices/\(id)/events", body: event, profile: "bridge").status == 200, sourceLocation: sourceLocation)
        return id
    }

    @Test func finalizeDeviceClaimRefusesABodyThatIsNotUTF8() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        let id = try await Self.claimInitiatedAndPressed(s)

        // In a member the handler ignores, and in one it reads.
        expectRestJSON400(try await s.send("PUT", "/devices/\(id)/finalize-claim", bytes: Self.withBadByte(#"{"note":"@"}"#)))
        let bad = try await s.send("PUT", "/devices/\(id)/finalize-claim", bytes: Self.withBadByte(#"{"tags":{"k":"@"}}"#))
        expectRestJSON400(bad)
        #expect((bad.json["message"] as? String)?.contains("byte 0xFF at offset 14") == true, "\(bad.body)")
        // Nothing happened: the device is not claimed (DescribeDevice shows only an owner's devices).
        #expect(try await s.send("GET", "/devices/\(id)").status == 404)
    }

    @Test func registerAVSDeviceRefusesABodyThatIsNotUTF8InItsOwnProtocol() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        for json in [#"{"ClientId":"c1","UserCode":"U1","ProductId":"p1","AmazonId":"A1","Note":"@"}"#,
                     #"{"ClientId":"c1","UserCode":"U@1","ProductId":"p1","AmazonId":"A1"}"#] {
            let r = try await s.send("POST", "/", bytes: Self.withBadByte(json), service: "a4b", headers: [
                ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AlexaForBusiness.RegisterAVSDevice"),
            ])
            #expect(r.status == 400, "\(r.body)")
            #expect(r.headers[.contentType] == "application/x-amz-json-1.1")
            #expect(r.headers[raw: "x-amzn-ErrorType"] == "ValidationException")
            #expect(r.json["__type"] as? String == "ValidationException")
            #expect((r.json["Message"] as? String)?.contains("not valid UTF-8") == true, "\(r.body)")
        }
        let count = try await Store(directory: s.directory + "/state").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM avs_device") ?? -1 }
        #expect(count == 0)
    }

    @Test func everyRouteWithABodyChecksItTheSameWay() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        let id = newDeviceId()
        let label = "arn%3Aaws%3Aiot1click%3Aus-east-1%3A111122223333%3Adevices%2F\(id)"
        let cases: [(String, String, String, String)] = [
            ("PUT", "/devices/\(id)/registration", #"{"type":"butt@n"}"#, "bridge"),
            ("POST", "/devices/\(id)/events", #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(WireTimestamp.now().formatted)","note":"@"}"#, "bridge"),
            ("PUT", "/devices/\(id)/state", #"{"enabled":false,"x":"@"}"#, "owner"),
            ("POST", "/devices/\(id)/methods", #"{"deviceMethodParameters":"@"}"#, "owner"),
            ("POST", "/tags/\(label)", #"{"tags":{"k":"@"}}"#, "owner"),
            ("PUT", "/devices/\(id)/finalize-claim", #"{"tags":{"@":"v"}}"#, "owner"),
        ]
        for (method, path, json, profile) in cases {
            expectRestJSON400(try await s.send(method, path, bytes: Self.withBadByte(json), profile: profile))
        }
        // A truncated sequence and an encoded surrogate are not UTF-8 either.
        expectRestJSON400(try await s.send("PUT", "/devices/\(id)/finalize-claim", bytes: Array(#"{"tags":{"k":""#.utf8) + [0xE2, 0x82] + Array(#""}}"#.utf8)))
        expectRestJSON400(try await s.send("PUT", "/devices/\(id)/finalize-claim", bytes: Array(#"{"tags":{"k":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}}"#.utf8)))
        // Nothing was registered by the refused registration or event.
        #expect(try await s.send("GET", "/devices/\(id)/registration", profile: "bridge").status == 404)
    }

    @Test func firstInvalidByteIsFound() {
        #expect(JSONWire.firstInvalidUTF8(Array("{\"k\":\"é €\"}".utf8)) == nil)
        #expect(JSONWire.firstInvalidUTF8([0x7B, 0xFF]) == 1)
        #expect(JSONWire.firstInvalidUTF8([0xC0, 0x80]) == 0)  // overlong
        #expect(JSONWire.firstInvalidUTF8([0x41, 0xF0, 0x9F, 0x98]) == 1)  // truncated at the end
        #expect(JSONWire.firstInvalidUTF8([]) == nil)
    }

    @Test func anEscapedNULIsFoundAndAnEscapedBackslashIsNot() {
        func find(_ json: String) -> Int? { JSONWire.firstEscapedNUL(Array(json.utf8)) }
        #expect(find(#"{"k":"a\u0000b"}"#) == 7)
        #expect(find(#"{"k":"\u0000"}"#) == 6)
        #expect(find(#"{"k":"\\u0000"}"#) == nil)          // an escaped backslash, then the text u0000
        #expect(find(#"{"k":"\\\u0000"}"#) == 8)          // an escaped backslash, then the escape
        #expect(find(#"{"k":"\u00001","j":"\u0001"}"#) == 6)
        #expect(find(#"{"k":"\u0001 \u1000 u0000"}"#) == nil)
        #expect(find(#"{"k":"\u000"#) == nil)             // cut short
        #expect(find(#"\"#) == nil)
        #expect(find("") == nil)
    }

    /// A NUL in a string would be stored cut short (GRDB binds text as a C string): refused on
    /// every route with the protocol's 400, and nothing is stored.
    @Test func aBodyHoldingNULIsRefusedAndNothingIsCut() async throws {
        let s = try await LiveService.start()
        defer { Task { await s.shutdown() } }
        let id = try await Self.claimInitiatedAndPressed(s)
        #expect(try await s.send("PUT", "/devices/\(id)/finalize-claim", body: #"{"tags":{"k":"v"}}"#).status == 200)

        let label = "arn%3Aaws%3Aiot1click%3Aus-east-1%3A111122223333%3Adevices%2F\(id)"
        let refused = try await s.send("POST", "/tags/\(label)", body: #"{"tags":{"k":"a\u0000b"}}"#)
        #expect(refused.status == 400, "\(refused.body)")
        #expect(refused.json["code"] as? String == "InvalidRequestException")
        #expect((refused.json["message"] as? String)?.contains("NUL") == true, "\(refused.body)")
        let device = try await s.send("GET", "/devices/\(id)")
        #expect(((device.json["deviceDescription"] as? [String: Any])?["tags"] as? [String: String]) == ["k": "v"], "\(device.body)")
        // The text backslash-u-0000, escaped, is only text, and is kept whole.
        #expect(try await s.send("POST", "/tags/\(label)", body: #"{"tags":{"k":"a\\u0000b"}}"#).status == 204)
        let kept = try await s.send("GET", "/devices/\(id)")
        #expect(((kept.json["deviceDescription"] as? [String: Any])?["tags"] as? [String: String]) == ["k": #"a\u0000b"#], "\(kept.body)")

        let avs = try await s.send("POST", "/", body: #"{"ClientId":"c1","UserCode":"U1","ProductId":"p\u00001","AmazonId":"A1"}"#,
                                   service: "a4b", headers: [
            ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AlexaForBusiness.RegisterAVSDevice"),
        ])
        #expect(avs.status == 400, "\(avs.body)")
        #expect(avs.json["__type"] as? String == "ValidationException")
    }
}

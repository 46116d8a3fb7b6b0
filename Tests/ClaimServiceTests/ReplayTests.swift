import Foundation
import GRDB
import HTTPTypes
import OneClick
import Testing

@testable import ClaimService

/// Replay protection: a signed request that can change state runs once; a repeat of its
/// signature after the grace (2 s; 0 here unless a test needs it) is refused. Before, a captured
/// `disable` replayed within the 5-minute skew window answered 200 and disabled the device again.
@Suite struct ReplayTests {
    static func noGrace(_ config: inout ClaimServiceConfiguration) { config.replayGrace = 0 }

    func expectReplayRefused(_ r: LiveService.Answer, json11: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 403, "\(r.body)", sourceLocation: sourceLocation)
        #expect(r.headers[raw: "x-amzn-ErrorType"] == "InvalidSignatureException", sourceLocation: sourceLocation)
        if json11 {
            #expect(r.headers[.contentType] == "application/x-amz-json-1.1", sourceLocation: sourceLocation)
            #expect(r.json["__type"] as? String == "InvalidSignatureException", sourceLocation: sourceLocation)
            #expect((r.json["Message"] as? String)?.contains("replay protection") == true, "\(r.body)", sourceLocation: sourceLocation)
        } else {
            #expect(r.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
            #expect(r.json["code"] as? String == "InvalidSignatureException", sourceLocation: sourceLocation)
            #expect((r.json["message"] as? String)?.contains("replay protection") == true, "\(r.body)", sourceLocation: sourceLocation)
        }
    }

    /// A claimed device of the owner.
    func claimed(_ s: LiveService) async throws -> String {
        let id = newDeviceId()
        #expect(try await s.send("PUT", "/devices/\(id)/registration", body: #"{"type":"button"}"#, profile: "bridge").status == 200)
        #expect(try await s.send("PUT", "/devices/\(id)/initiate-claim").status == 200)
        let event = #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(WireTimestamp.now().formatted)"}"#
        #expect(try await s.send("POST", "/devices/\(id)/events", body: event, profile: "bridge").status == 200)
        #expect(try await s.send("PUT", "/devices/\(id)/finalize-claim", body: "{}").status == 200)
        return id
    }

    func enabled(_ s: LiveService, _ id: String) async throws -> Bool? {
        let d = try await s.send("GET", "/devices/\(id)").json["deviceDescription"] as? [String: Any]
        return d?["enabled"] as? Bool
    }

    @Test(arguments: Backend.all) func aReplayedDisableIsRefusedAndChangesNothing(_ backend: Backend) async throws {
        let s = try await LiveService.start(backend, configure: Self.noGrace)
        defer { Task { await s.shutdown() } }
        let id = try await claimed(s)
        // Captured as botocore sends it: its SDK headers unsigned.
        let disable = try s.prepare("PUT", "/devices/\(id)/state", body: #"{"enabled":false}"#,
                                    sdk: ("1f0c6c7e-2c1d-4a4e-9a51-3b1f3f0a2b11", 1), signSDKHeaders: false)
        #expect(try await s.deliver(disable).status == 200)
        #expect(try await enabled(s, id) == false)
        #expect(try await s.send("PUT", "/devices/\(id)/state", body: #"{"enabled":true}"#).status == 200)

        expectReplayRefused(try await s.deliver(disable))
        #expect(try await enabled(s, id) == true)
        // The signature in capitals, the header laid out otherwise, other unsigned headers: the
        // same signature, refused the same way.
        var disguised = disable
        let i = try #require(disguised.headers.firstIndex { $0.name == "Authorization" })
        let parts = disguised.headers[i].value.components(separatedBy: "Signature=")
        disguised.headers[i].value = parts[0].replacingOccurrences(of: ", ", with: ",") + "Signature=" + parts[1].uppercased()
        disguised.headers = disguised.headers.map { $0.name == "amz-sdk-request" ? ($0.name, "attempt=2; max=3") : $0 }
        expectReplayRefused(try await s.deliver(disguised))
        #expect(try await enabled(s, id) == true)
    }

    @Test(arguments: Backend.all) func aReplayedRegisterAVSDeviceIsRefusedInJSON11(_ backend: Backend) async throws {
        let s = try await LiveService.start(backend, configure: Self.noGrace)
        defer { Task { await s.shutdown() } }
        let avs = #"{"ClientId":"c1","UserCode":"U1","ProductId":"p1","AmazonId":"A1","DeviceSerialNumber":"SN\#(UUID().uuidString.prefix(8))"}"#
        let register = try s.prepare("POST", "/", body: avs, service: "a4b", headers: [
            ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AlexaForBusiness.RegisterAVSDevice"),
        ], sdk: nil)
        #expect(try await s.deliver(register).status == 200)
        expectReplayRefused(try await s.deliver(register), json11: true)
    }

    /// botocore signs no per-call value and X-Amz-Date counts whole seconds, so the same call
    /// made twice within a second, or retried within it, is the same signed request. Within the
    /// grace after the first, it runs again, as it always did.
    @Test(arguments: Backend.all) func withinTheGraceTheSameSignedRequestRunsAgain(_ backend: Backend) async throws {
        let s = try await LiveService.start(backend)
        defer { Task { await s.shutdown() } }
        let id = try await claimed(s)
        let unclaim = try s.prepare("PUT", "/devices/\(id)/unclaim", sdk: nil)
        #expect(try await s.deliver(unclaim).status == 200)
        let again = try await s.deliver(unclaim)
        #expect(again.status == 404, "\(again.body)")   // it ran: the device is no longer the caller's
    }

    @Test(arguments: Backend.all) func registrationReplayIsRefusedButEventsStayIdempotent(_ backend: Backend) async throws {
        let s = try await LiveService.start(backend, configure: Self.noGrace)
        defer { Task { await s.shutdown() } }
        let id = newDeviceId()
        let register = try s.prepare("PUT", "/devices/\(id)/registration", body: #"{"type":"button","claimCode":"C-0123456789A"}"#,
                                     profile: "bridge", sdk: nil)
        #expect(try await s.deliver(register).status == 200)
        #expect(try await s.send("PUT", "/devices/\(id)/registration", body: #"{"type":"button"}"#, profile: "bridge").status == 200)
        expectReplayRefused(try await s.deliver(register))
        let view = try await s.send("GET", "/devices/\(id)/registration", profile: "bridge")
        #expect(view.status == 200)
        #expect(view.json["claimCode"] == nil)   // the replay did not set its claim code again

        let body = #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(WireTimestamp.now().formatted)"}"#
        let event = try s.prepare("POST", "/devices/\(id)/events", body: body, profile: "bridge", sdk: nil)
        #expect(try await s.deliver(event).json["duplicate"] as? Bool == false)
        let resent = try await s.deliver(event)
        #expect(resent.status == 200)
        #expect(resent.json["duplicate"] as? Bool == true)
        // Reads spend nothing either.
        let read = try s.prepare("GET", "/devices/\(id)/registration", profile: "bridge", sdk: nil)
        #expect(try await s.deliver(read).status == 200)
        #expect(try await s.deliver(read).status == 200)
    }

    @Test(arguments: Backend.all) func aRestartRemembersWhatWasSpent(_ backend: Backend) async throws {
        let s = try await LiveService.start(backend, configure: Self.noGrace)
        let id = try await claimed(s)
        let disable = try s.prepare("PUT", "/devices/\(id)/state", body: #"{"enabled":false}"#, sdk: nil)
        #expect(try await s.deliver(disable).status == 200)
        #expect(try await s.send("PUT", "/devices/\(id)/state", body: #"{"enabled":true}"#).status == 200)
        await s.shutdown()

        let restarted = try await LiveService.start(backend, directory: s.directory, sharing: s.databaseURL, configure: Self.noGrace)
        defer { Task { await restarted.shutdown() } }
        expectReplayRefused(try await restarted.deliver(disable))
        #expect(try await enabled(restarted, id) == true)
    }

    @Test(arguments: Backend.all) func signaturesAreKeptUntilTheyNoLongerVerifyThenPruned(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let store = h.core.store
        let old = VerifiedSignature(value: String(repeating: "a", count: 64), validUntil: 10_000_000)
        let fresh = VerifiedSignature(value: String(repeating: "b", count: 64), validUntil: 50_000_000)
        #expect(try await store.use(old, now: 1_000_000, grace: 2_000_000) == .first)
        #expect(try await store.use(old, now: 3_000_000, grace: 2_000_000) == .withinGrace(firstUsedAt: 1_000_000))
        #expect(try await store.use(old, now: 3_000_001, grace: 2_000_000) == .replay(firstUsedAt: 1_000_000))
        #expect(try await store.use(fresh, now: 4_000_000, grace: 2_000_000) == .first)
        // From 10 s on the first no longer verifies: the next use of any signature forgets it.
        #expect(try await store.use(fresh, now: 10_000_000, grace: 2_000_000) == .replay(firstUsedAt: 4_000_000))
        #expect(try await h.storedSignatures() == [fresh.value])
    }

    @Test func aSignatureIsRememberedUntilOneSecondPastDatePlusSkew() async throws {
        let directory = temporaryDirectory()
        let file = try LiveService.writeCredentials(in: directory)
        let authenticator = CredentialStoreAuthenticator(store: try CredentialStore(path: directory + "/credentials"))
        let p = try #require(file.profile(named: "owner"))
        let date = Date()
        let signature = SigV4Signer(accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, region: "us-east-1", service: "iot1click")
            .sign(method: "PUT", host: "h", rawPath: "/devices/G1/unclaim", rawQuery: "", headers: [], body: [], date: date)
        let request = SignedRequest(method: "PUT", rawPath: "/devices/G1/unclaim", rawQuery: nil,
                                    headers: signature.headers.map { (name: $0.name.lowercased(), value: $0.value) }, body: [])
        guard case .success(let authentication) = await authenticator.authenticate(request, expectedService: "iot1click") else {
            Issue.record("did not verify")
            return
        }
        let given = try #require(signature.authorization.components(separatedBy: "Signature=").last)
        #expect(authentication.signature?.value == given)
        #expect(authentication.signature?.validUntil == (Int64(date.timeIntervalSince1970) + 300 + 1) * 1_000_000)
    }
}

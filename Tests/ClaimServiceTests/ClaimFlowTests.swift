import Foundation
import OneClick
import Testing

@testable import ClaimService

/// Every row of the claim-rules table in ARCHITECTURE.md, through the service core.
@Suite struct ClaimFlowTests {
    @Test(arguments: Backend.all) func handshakeInitiatePressFinalize(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        let initiated = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        #expect(initiated.state == "CLAIM_INITIATED")
        let before = await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, "PreconditionFailedException", 412)
        #expect(before.contains("press the button on \(id) after initiating the claim, then finalize"))
        #expect(await Self.refusalReason(h, id) == .noPress)
        h.clock.advance(seconds: 2)
        try await h.press(id)
        let claimed = try await h.ok(.finalizeDeviceClaim(deviceId: id), as: ownerA, body: #"{"tags":{"room":"kitchen"}}"#, DeviceClaimResponse.self)
        #expect(claimed.state == "CLAIMED")
        let described = try await h.ok(.describeDevice(deviceId: id), as: ownerA, DescribeDeviceResponse.self)
        let d = try #require(described.deviceDescription)
        #expect(d.arn == "arn:aws:iot1click:us-east-1:111122223333:devices/\(id)")
        #expect(d.tags == ["room": "kitchen"])
        #expect(d.enabled == true)
        #expect(d.type == "button")
        #expect(d.remainingLife == 99.5)
    }

    /// The machine-readable reason of ownerA's FinalizeDeviceClaim refusal, which the client reads
    /// instead of the message.
    static func refusalReason(_ h: Harness, _ id: String) async -> ClaimRefusalReason? {
        guard case .failure(let error) = await h.call(.finalizeDeviceClaim(deviceId: id), as: ownerA) else { return nil }
        return error.reason.flatMap(ClaimRefusalReason.init(rawValue:))
    }

    @Test(arguments: Backend.all) func unknownDeviceIs404ForEveryCall(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        for op: ServiceOperation in [.initiateDeviceClaim(deviceId: id), .finalizeDeviceClaim(deviceId: id), .unclaimDevice(deviceId: id),
                                           .describeDevice(deviceId: id), .getDeviceMethods(deviceId: id), .updateDeviceState(deviceId: id)] {
            await h.fails(op, as: ownerA, body: op == .updateDeviceState(deviceId: id) ? #"{"enabled":true}"# : "", "ResourceNotFoundException", 404)
        }
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA,
                      query: [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00Z")],
                      "ResourceNotFoundException", 404)
    }

    @Test(arguments: Backend.all) func finalizeWithoutInitiationSaysInitiateFirst(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.press(id)
        let message = await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, "PreconditionFailedException", 412)
        #expect(message.contains("no claim initiated"))
        #expect(message.contains("InitiateDeviceClaim first"))
        #expect(await Self.refusalReason(h, id) == .notInitiated)
    }

    @Test(arguments: Backend.all) func initiationExpiresAfterTenMinutes(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        let initiatedAt = h.clock.iso
        h.clock.advance(seconds: 600.5)
        try await h.press(id)
        let message = await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, "PreconditionFailedException", 412)
        #expect(message.contains("initiated at \(initiatedAt) expired after 10 minutes"))
        #expect(message.contains("initiate again"))
        #expect(await Self.refusalReason(h, id) == .expired)
        // Restarting the initiation makes a new press count.
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        try await h.press(id)
        #expect(try await h.ok(.finalizeDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self).state == "CLAIMED")
    }

    @Test(arguments: Backend.all) func expiryIsConfigurable(_ backend: Backend) async throws {
        let h = try await Harness.make(backend) { $0.claimExpiry = 60_000_000 }
        let id = newDeviceId()
        try await h.register(id)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        h.clock.advance(seconds: 61)
        try await h.press(id)
        let message = await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, "PreconditionFailedException", 412)
        #expect(message.contains("expired after 1 minute"))
    }

    @Test(arguments: Backend.all) func reportedTimeToleranceIsThirtySeconds(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        // Received after the initiation, but reported 31 s before it: not the press we wait for.
        try await h.press(id, reported: h.clock.iso(offsetSeconds: -31))
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, "PreconditionFailedException", 412)
        // Reported 29 s before it: a button whose clock runs a little behind.
        try await h.press(id, reported: h.clock.iso(offsetSeconds: -29))
        #expect(try await h.ok(.finalizeDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self).state == "CLAIMED")
    }

    @Test(arguments: Backend.all) func pressBeforeInitiationDoesNotCount(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.press(id)
        h.clock.advance(seconds: 1)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, "PreconditionFailedException", 412)
    }

    @Test(arguments: Backend.all) func initiationsArePerAccount(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        h.clock.advance(seconds: 1)
        try await h.press(id)
        // B never initiated: A's initiation does not help it.
        let message = await h.fails(.finalizeDeviceClaim(deviceId: id), as: otherB, "PreconditionFailedException", 412)
        #expect(message.contains("no claim initiated"))
        // B initiates after the press: that press is before B's initiation.
        h.clock.advance(seconds: 1)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: otherB, DeviceClaimResponse.self)
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: otherB, "PreconditionFailedException", 412)
        // A's initiation still stands.
        #expect(try await h.ok(.finalizeDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self).state == "CLAIMED")
        // Now B gets 409 on both claim calls, and 404 everywhere else.
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: otherB, "ResourceConflictException", 409)
        await h.fails(.initiateDeviceClaim(deviceId: id), as: otherB, "ResourceConflictException", 409)
        await h.fails(.describeDevice(deviceId: id), as: otherB, "ResourceNotFoundException", 404)
        await h.fails(.unclaimDevice(deviceId: id), as: otherB, "ResourceNotFoundException", 404)
    }

    @Test(arguments: Backend.all) func ownerFinalizeIsIdempotentAndInitiateSaysUnclaimFirst(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        #expect(try await h.ok(.finalizeDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self).state == "CLAIMED")
        let message = await h.fails(.initiateDeviceClaim(deviceId: id), as: ownerA, "ResourceConflictException", 409)
        #expect(message.contains("unclaim it first"))
    }

    @Test(arguments: Backend.all) func unclaimClearsEverythingOfTheOwner(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id, tags: #"{"tags":{"a":"1"}}"#)
        _ = try await h.ok(.updateDeviceState(deviceId: id), as: ownerA, body: #"{"enabled":false}"#, UpdateDeviceStateResponse.self)
        _ = try await h.ok(.invokeDeviceMethod(deviceId: id), as: ownerA,
                           body: #"{"deviceMethod":{"deviceType":"button","methodName":"setOnClickCallback"},"deviceMethodParameters":"{\"callback\":{\"url\":\"https://example.com/hook\"}}"}"#,
                           InvokeDeviceMethodResponse.self)
        let state = try await h.ok(.unclaimDevice(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        #expect(state.state == "UNCLAIMED")
        // Unowned: 404 for describe, also for the former owner.
        await h.fails(.describeDevice(deviceId: id), as: ownerA, "ResourceNotFoundException", 404)
        await h.fails(.unclaimDevice(deviceId: id), as: ownerA, "ResourceNotFoundException", 404)
        // B claims it and finds nothing of A's: no tags, enabled, no callback, no events.
        h.clock.advance(seconds: 1)
        try await h.claim(id, as: otherB)
        let d = try #require(try await h.ok(.describeDevice(deviceId: id), as: otherB, DescribeDeviceResponse.self).deviceDescription)
        #expect(d.tags == [:])
        #expect(d.enabled == true)
        #expect(d.arn == "arn:aws:iot1click:eu-west-1:444455556666:devices/\(id)")
        let callback = try await h.ok(.invokeDeviceMethod(deviceId: id), as: otherB,
                                      body: #"{"deviceMethod":{"methodName":"getOnClickCallback"}}"#, InvokeDeviceMethodResponse.self)
        #expect(callback.deviceMethodResponse == "{}")
    }

    @Test(arguments: Backend.all) func eventsAreVisibleOnlyFromTheClaimOn(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.press(id, click: "LONG")   // before any claim: nobody's
        h.clock.advance(seconds: 1)
        try await h.claim(id)                  // one SINGLE, after A's initiation
        try await h.press(id, click: "DOUBLE")
        let range = [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00.000000Z")]
        let seen = try await h.ok(.listDeviceEvents(deviceId: id), as: ownerA, query: range, ListDeviceEventsResponse.self)
        let clicks = try (seen.events ?? []).map { try JSONDecoder().decode(StdEvent.self, from: Data(($0.stdEvent ?? "").utf8)).clickType }
        #expect(clicks == ["SINGLE", "DOUBLE"])
        #expect(seen.events?.first?.device == Device(attributes: [:], deviceId: id, type: "button"))
        // After unclaim and B's claim, B sees only its own era.
        _ = try await h.ok(.unclaimDevice(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        h.clock.advance(seconds: 1)
        try await h.claim(id, as: otherB)
        let seenByB = try await h.ok(.listDeviceEvents(deviceId: id), as: otherB, query: range, ListDeviceEventsResponse.self)
        #expect(seenByB.events?.count == 1)
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA, query: range, "ResourceNotFoundException", 404)
    }

    @Test(arguments: Backend.all) func disabledDeviceEventsAreStoredButDoNotSatisfyAClaim(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        _ = try await h.ok(.updateDeviceState(deviceId: id), as: ownerA, body: #"{"enabled":false}"#, UpdateDeviceStateResponse.self)
        let ack = try await h.press(id, click: "DOUBLE")
        #expect(ack.duplicate == false)
        let range = [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00Z")]
        let seen = try await h.ok(.listDeviceEvents(deviceId: id), as: ownerA, query: range, ListDeviceEventsResponse.self)
        #expect(seen.events?.count == 2)
        // The pure rule: a press that arrived while disabled is not a press for a claim.
        let facts = ClaimRules.FinalizeFacts(initiatedAt: 0, pressSinceInitiation: false)
        let unowned = DeviceRecord(deviceId: id, type: "button", boundPrincipal: "b", boundAccount: "1", claimCode: nil, attributes: [:],
                                   ownerAccount: nil, claimBeganAt: nil, enabled: false, remainingLife: 100,
                                   onClickCallback: nil, healthMonitorCallback: nil)
        #expect(throws: ServiceError.self) {
            try ClaimRules.finalize(unowned, deviceId: id, account: "1", facts: facts, now: 1, timing: .init(claimExpiry: 600_000_000, reportedTimeTolerance: 30_000_000))
        }
    }

    @Test(arguments: Backend.all) func claimByCodeClaimsAllAtomically(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let code = "C-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(14)
        let ids = [newDeviceId(), newDeviceId(), newDeviceId()]
        for id in ids { try await h.register(id, code: code) }
        let answer = try await h.ok(.claimDevicesByClaimCode(claimCode: code), as: ownerA, ClaimDevicesByClaimCodeResponse.self)
        #expect(answer == ClaimDevicesByClaimCodeResponse(claimCode: code, total: 3))
        let listed = try await h.ok(.listDevices, as: ownerA, ListDevicesResponse.self)
        #expect(Set((listed.devices ?? []).compactMap(\.deviceId)) == Set(ids))
        // Again by the owner: still 3, nothing changes.
        #expect(try await h.ok(.claimDevicesByClaimCode(claimCode: code), as: ownerA, ClaimDevicesByClaimCodeResponse.self).total == 3)
        // Another account: 403, and nothing claimed.
        let extra = newDeviceId()
        try await h.register(extra, code: code)
        await h.fails(.claimDevicesByClaimCode(claimCode: code), as: otherB, "ForbiddenException", 403)
        await h.fails(.describeDevice(deviceId: extra), as: otherB, "ResourceNotFoundException", 404)
        // Events sent after the claim by code are visible; the claim began at the call.
        try await h.press(ids[0])
        let range = [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00Z")]
        #expect(try await h.ok(.listDeviceEvents(deviceId: ids[0]), as: ownerA, query: range, ListDeviceEventsResponse.self).events?.count == 1)
    }

    @Test(arguments: Backend.all) func claimByCodeErrors(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        for bad in ["C-short", "X-0123456789", "C-ABC/DEF 123", "C-" + String(repeating: "A", count: 39), ""] {
            await h.fails(.claimDevicesByClaimCode(claimCode: bad), as: ownerA, "InvalidRequestException", 400)
        }
        let message = await h.fails(.claimDevicesByClaimCode(claimCode: "C-NOSUCHCODE0001"), as: ownerA, "InvalidRequestException", 400)
        #expect(message.contains("no device is registered with claim code"))
    }

    @Test(arguments: Backend.all) func invalidDeviceIdIs400(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        for bad in ["", "-lead", "has space", String(repeating: "a", count: 65), "a/b"] {
            await h.fails(.initiateDeviceClaim(deviceId: bad), as: ownerA, "InvalidRequestException", 400)
            await h.fails(.describeDevice(deviceId: bad), as: ownerA, "InvalidRequestException", 400)
        }
    }

    @Test(arguments: Backend.all) func finalizeTagsAreValidated(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        try await h.press(id)
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, body: #"{"tags":{"aws:x":"1"}}"#, "InvalidRequestException", 400)
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, body: #"{"tags":"nope"}"#, "InvalidRequestException", 400)
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, body: #"{"tags":"#, "InvalidRequestException", 400)
        let many = (0..<51).map { "\"k\($0)\":\"v\"" }.joined(separator: ",")
        await h.fails(.finalizeDeviceClaim(deviceId: id), as: ownerA, body: "{\"tags\":{\(many)}}", "InvalidRequestException", 400)
        // Nothing was claimed by the failed calls.
        await h.fails(.describeDevice(deviceId: id), as: ownerA, "ResourceNotFoundException", 404)
    }
}

import Foundation
import OneClick
import Testing

@testable import ClaimService
import GRDB

/// Registration and event ingest: binding to the registering principal, duplicates, validation.
@Suite struct DeviceSideTests {
    @Test(arguments: Backend.all) func registrationIsBoundToItsPrincipal(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        let answer = try await h.ok(.registerDevice(deviceId: id), as: bridgeA, body: #"{"type":"button","claimCode":"C-ABCDEFGHIJ12","attributes":{"k":"v"}}"#, DeviceRegistrationResponse.self)
        #expect(answer == DeviceRegistrationResponse(deviceId: id, registered: true))
        // A repeat by the same principal updates.
        try await h.register(id, code: "C-ABCDEFGHIJ13")
        // Another principal, even of the same account: 403.
        await h.fails(.registerDevice(deviceId: id), as: ownerA, body: #"{"type":"button"}"#, "ForbiddenException", 403)
        await h.fails(.registerDevice(deviceId: id), as: bridgeB, body: #"{"type":"button"}"#, "ForbiddenException", 403)
        let event = #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#
        await h.fails(.ingestDeviceEvent(deviceId: id), as: bridgeB, body: event, "ForbiddenException", 403)
        // The updated code is the one that claims.
        #expect(try await h.ok(.claimDevicesByClaimCode(claimCode: "C-ABCDEFGHIJ13"), as: ownerA, ClaimDevicesByClaimCodeResponse.self).total == 1)
        await h.fails(.claimDevicesByClaimCode(claimCode: "C-ABCDEFGHIJ12"), as: ownerA, "InvalidRequestException", 400)
        // Device-side calls stay allowed for the bound principal whoever owns the device.
        try await h.press(id)
        let d = try #require(try await h.ok(.describeDevice(deviceId: id), as: ownerA, DescribeDeviceResponse.self).deviceDescription)
        #expect(d.attributes == ["k": "v"])
    }

    @Test(arguments: Backend.all) func theBoundPrincipalReadsTheClaimStateAndNobodyElseDoes(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        func state() async throws -> DeviceRegistrationStatus {
            try await h.ok(.describeRegistration(deviceId: id), as: bridgeA, DeviceRegistrationStatus.self)
        }
        await h.fails(.describeRegistration(deviceId: id), as: bridgeA, "ResourceNotFoundException", 404)
        try await h.register(id, code: "C-ABCDEFGHIJ12")
        #expect(try await state() == DeviceRegistrationStatus(deviceId: id, claimState: .unclaimed, enabled: true, claimCode: "C-ABCDEFGHIJ12"))
        await h.fails(.describeRegistration(deviceId: id), as: ownerA, "ForbiddenException", 403)
        await h.fails(.describeRegistration(deviceId: id), as: bridgeB, "ForbiddenException", 403)
        _ = try await h.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        #expect(try await state().claimState == .claimInitiated)
        // The initiation expires after 10 minutes: the device is unclaimed again.
        h.clock.advance(seconds: 601)
        #expect(try await state().claimState == .unclaimed)
        try await h.claim(id)
        #expect(try await state().claimState == .claimed)
        _ = try await h.ok(.updateDeviceState(deviceId: id), as: ownerA, body: #"{"enabled":false}"#, UpdateDeviceStateResponse.self)
        #expect(try await state().enabled == false)
        _ = try await h.ok(.unclaimDevice(deviceId: id), as: ownerA, DeviceClaimResponse.self)
        #expect(try await state() == DeviceRegistrationStatus(deviceId: id, claimState: .unclaimed, enabled: true, claimCode: "C-ABCDEFGHIJ12"))
        await h.fails(.describeRegistration(deviceId: "not a device"), as: bridgeA, "InvalidRequestException", 400)
    }

    @Test(arguments: Backend.all) func duplicateEventsAreStoredOnce(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let evt1 = UUID().uuidString
        let id = newDeviceId()
        let first = try await h.press(id, eventId: evt1)        // unknown device: registered implicitly
        #expect(first == DeviceEventResponse(eventId: evt1, duplicate: false))
        let reported = h.clock.iso
        h.clock.advance(seconds: 5)
        let again = try await h.press(id, reported: reported, eventId: evt1)
        #expect(again == DeviceEventResponse(eventId: evt1, duplicate: true))
        let message = await h.fails(.ingestDeviceEvent(deviceId: id), as: bridgeA,
                                    body: "{\"eventId\":\"\(evt1)\",\"clickType\":\"DOUBLE\",\"reportedTime\":\"\(reported)\",\"remainingLife\":99.5}",
                                    "ResourceConflictException", 409)
        #expect(message.contains("different body"))
        // The implicit registration bound the device to the caller.
        await h.fails(.registerDevice(deviceId: id), as: bridgeB, body: "{}", "ForbiddenException", 403)
        try await h.claim(id)
        let range = [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00Z")]
        // evt-1 was before the claim; only the claim's own press is visible.
        #expect(try await h.ok(.listDeviceEvents(deviceId: id), as: ownerA, query: range, ListDeviceEventsResponse.self).events?.count == 1)
    }

    @Test(arguments: [
        "", "{", "[]", "null", #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"SINGLE"}"#,
        #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"TRIPLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#,
        #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"SINGLE","reportedTime":"yesterday"}"#,
        #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"SINGLE","reportedTime":"2026-02-30T12:00:00Z"}"#,
        #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z","remainingLife":101}"#,
        #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z","remainingLife":"full"}"#,
        #"{"eventId":"","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#,
        #"{"eventId":"a b","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#,
        #"{"eventId":"not-a-uuid","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#,
        #"{"eventId":"6f1c2a8e-3b4d-4c5e-9f60-718293a4b5cg","clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#,
        #"{"eventId":5,"clickType":"SINGLE","reportedTime":"2026-06-01T12:00:00.000Z"}"#,
    ])
    func badEventsAre400(body: String) async throws {
        let h = try Harness()
        await h.fails(.ingestDeviceEvent(deviceId: newDeviceId()), as: bridgeA, body: body, "InvalidRequestException", 400)
    }

    @Test(arguments: [
        #"{"type":"button","claimCode":"C-123"}"#, #"{"type":"button","claimCode":"D-0123456789"}"#,
        #"{"type":""}"#, #"{"attributes":{"k":5}}"#, #"{"type":7}"#, "nope",
    ])
    func badRegistrationsAre400(body: String) async throws {
        let h = try Harness()
        await h.fails(.registerDevice(deviceId: newDeviceId()), as: bridgeA, body: body, "InvalidRequestException", 400)
    }

    @Test(arguments: Backend.all) func retentionPrunesOnlyOldEvents(_ backend: Backend) async throws {
        let h = try await Harness.make(backend) { $0.eventRetention = 86_400_000_000 } // one day
        let (old, new) = (UUID().uuidString, UUID().uuidString)
        let id = newDeviceId()
        try await h.press(id, eventId: old)
        h.clock.advance(seconds: 86_400 + 3_601)
        // This ingest is due a prune (the first one of the service was at the first ingest).
        try await h.press(id, eventId: new)
        let remaining = try await h.storedEvents().map { String($0.prefix { $0 != " " }) }
        #expect(remaining == [new])
        // An event younger than the retention is never deleted.
        #expect(try await h.core.store.pruneEvents(receivedBefore: h.clock.now - 86_400_000_000) == 0)
    }
}

import Foundation
import Testing
@testable import OneClick

/// OneClickClient against a real ClaimServer on loopback: the handshake, every operation, typed
/// errors, authentication failures and key rotation.
struct ClientEndToEndTests {
    @Test func handshakeEveryOperationAndTypedErrors() async throws {
        let service = try await LiveClaimService.start()
        let bridge = try service.client("bridge")
        let owner = try service.client("owner", region: "eu-west-1")
        let other = try service.client("other")
        let device = LiveClaimService.newDeviceId()

        #expect(try await bridge.registerDevice(deviceId: device) == DeviceRegistrationResponse(deviceId: device, registered: true))
        #expect(try await owner.initiateDeviceClaim(deviceId: device).state == "CLAIM_INITIATED")
        // Before the press: 412, and waiting gives up after its timeout.
        do {
            _ = try await owner.finalizeWhenPressed(deviceId: device, timeout: .milliseconds(300), interval: .milliseconds(100))
            Issue.record("claimed without a press")
        } catch {
            guard case .noPress(let id, _, let message) = error else { Issue.record("\(error)"); return }
            #expect(id == device)
            #expect(message.contains("press the button"))
        }
        // The press arrives while the owner waits.
        let waiting = Task { try await owner.finalizeWhenPressed(deviceId: device, tags: ["room": "kitchen"], timeout: .seconds(20),
                                                                 interval: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(200))
        let press = LiveClaimService.press()
        #expect(try await bridge.publishEvent(deviceId: device, press) == DeviceEventResponse(eventId: press.eventId, duplicate: false))
        #expect(try await bridge.publishEvent(deviceId: device, press).duplicate)
        #expect(try await waiting.value.state == "CLAIMED")

        let description = try #require(try await owner.describeDevice(deviceId: device).deviceDescription)
        #expect(description.arn == "arn:aws:iot1click:eu-west-1:\(LiveClaimService.ownerAccount):devices/\(device)")
        #expect(description.tags == ["room": "kitchen"])
        #expect(description.enabled == true)
        let arn = try #require(description.arn)

        let listed = try await owner.listDevices(deviceType: "button")
        #expect(listed.devices?.map(\.deviceId) == [device])
        let events = try await owner.listDeviceEvents(deviceId: device, from: Date().addingTimeInterval(-3600), to: Date().addingTimeInterval(60))
        #expect(events.events?.count == 1)
        let std = try JSONDecoder().decode(StdEvent.self, from: Data(try #require(events.events?.first?.stdEvent).utf8))
        #expect(std.clickType == "SINGLE" && std.reportedTime == press.reportedTime && std.remainingLife == 97.5)

        let methods = try await owner.getDeviceMethods(deviceId: device).deviceMethods ?? []
        #expect(methods.contains { $0.methodName == "getDeviceHealthParameters" })
        let health = try await owner.invokeDeviceMethod(deviceId: device, deviceMethod: DeviceMethod(deviceType: "device", methodName: "getDeviceHealthParameters"))
        #expect(health.deviceMethodResponse?.contains("97.5") == true)

        _ = try await owner.updateDeviceState(deviceId: device, enabled: false)
        #expect(try await owner.describeDevice(deviceId: device).deviceDescription?.enabled == false)

        try await owner.tagResource(resourceArn: arn, tags: ["a": "1", "b b": "2"])
        #expect(try await owner.listTagsForResource(resourceArn: arn).tags == ["room": "kitchen", "a": "1", "b b": "2"])
        try await owner.untagResource(resourceArn: arn, tagKeys: ["a", "b b"])
        #expect(try await owner.listTagsForResource(resourceArn: arn).tags == ["room": "kitchen"])

        // Typed errors: another account.
        await expectServiceError(404, "ResourceNotFoundException") { _ = try await other.describeDevice(deviceId: device) }
        await expectServiceError(409, "ResourceConflictException") { _ = try await other.initiateDeviceClaim(deviceId: device) }
        await expectServiceError(404, "ResourceNotFoundException") { _ = try await owner.describeDevice(deviceId: LiveClaimService.newDeviceId()) }

        #expect(try await owner.unclaimDevice(deviceId: device).state == "UNCLAIMED")
        await expectServiceError(404, "ResourceNotFoundException") { _ = try await owner.describeDevice(deviceId: device) }

        // Claim by claim code.
        let code = LiveClaimService.newClaimCode()
        let coded = LiveClaimService.newDeviceId()
        _ = try await bridge.registerDevice(deviceId: coded, DeviceRegistrationRequest(claimCode: code))
        #expect(try await owner.claimDevicesByClaimCode(code) == ClaimDevicesByClaimCodeResponse(claimCode: code, total: 1))
        await expectServiceError(400, "InvalidRequestException") { _ = try await owner.claimDevicesByClaimCode("C-bad/code") }
        await service.shutdown()
    }

    @Test func finalizeWithoutInitiationStopsAtOnce() async throws {
        let service = try await LiveClaimService.start()
        let device = LiveClaimService.newDeviceId()
        _ = try await service.client("bridge").registerDevice(deviceId: device)
        _ = try await service.client("bridge").publishEvent(deviceId: device, LiveClaimService.press())
        let owner = try service.client("owner")
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await owner.finalizeWhenPressed(deviceId: device, timeout: .seconds(30))
            Issue.record("claimed without an initiation")
        } catch {
            guard case .failed(let failure) = error else { Issue.record("kept waiting: \(error)"); return }
            #expect(failure.serviceError?.statusCode == 412)
        }
        // Not a timing assertion on the service: the wait must not have used its 30 s timeout.
        #expect(clock.now - started < .seconds(30))
        await service.shutdown()
    }

    @Test func registerAVSDevice() async throws {
        let service = try await LiveClaimService.start()
        let owner = try service.client("owner")
        let request = RegisterAVSDeviceRequest(clientId: "amzn1.application-oa2-client.0123", userCode: "ABC123", productId: "my_product",
                                               deviceSerialNumber: "SN" + LiveClaimService.newDeviceId(), amazonId: "A1B2C3D4E5",
                                               tags: [A4BTag(key: "k", value: "v")])
        let arn = try #require(try await owner.registerAVSDevice(request).DeviceArn)
        #expect(arn.hasPrefix("arn:"))
        #expect(try await owner.registerAVSDevice(request).DeviceArn == arn)
        var bad = request
        bad.ProductId = "bad-product"
        await expectServiceError(400, "ValidationException") { _ = try await owner.registerAVSDevice(bad) }
        await service.shutdown()
    }

    @Test func authenticationFailuresAreTyped() async throws {
        let service = try await LiveClaimService.start()
        let wrongSecret = try OneClickClient(endpoint: service.endpoint, credentials: ClientCredentials(
            accessKeyId: try ClientCredentials.load(path: service.credentialsPath, profile: "owner").accessKeyId, secretAccessKey: "wrong"), retry: .none)
        await expectServiceError(403, "InvalidSignatureException") { _ = try await wrongSecret.listDevices() }
        let unknown = try OneClickClient(endpoint: service.endpoint, credentials: ClientCredentials(accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x"), retry: .none)
        await expectServiceError(403, "UnrecognizedClientException") { _ = try await unknown.listDevices() }
        let skewed = try service.client("owner", now: { Date().addingTimeInterval(-600) })
        let message = await expectServiceError(403, "InvalidSignatureException") { _ = try await skewed.listDevices() }
        #expect(message?.contains("behind") == true)
        await expectServiceError(403, "InvalidSignatureException") {
            _ = try await wrongSecret.registerAVSDevice(RegisterAVSDeviceRequest(clientId: "c", userCode: "u", productId: "p", amazonId: "a"))
        }
        await service.shutdown()
    }

    @Test func rotatedKeyWorksAndRetiresTheOldOneOnFirstUse() async throws {
        let service = try await LiveClaimService.start()
        let before = try service.client("owner")
        _ = try await before.listDevices()
        try CredentialsFile.update(path: service.credentialsPath) { (file: inout CredentialsFile) throws(CredentialsFileError) in
            _ = try CredentialsAdmin.rotate(name: "owner", in: &file, now: Date())
        }
        // The old key still works until the new one is used.
        _ = try await before.listDevices()
        let after = try service.client("owner")
        #expect(after.credentials.accessKeyId != before.credentials.accessKeyId)
        _ = try await after.listDevices()
        await expectServiceError(403, "UnrecognizedClientException") { _ = try await before.listDevices() }
        #expect(try CredentialsFile.load(path: service.credentialsPath).profile(named: "owner")?.previousKey == nil)
        await service.shutdown()
    }
}

/// Runs `body`, expecting a service error with this status and code; returns its message.
@discardableResult
func expectServiceError(_ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let error as OneClickClientError {
        #expect(error.serviceError?.statusCode == status, "\(error)", sourceLocation: sourceLocation)
        #expect(error.serviceError?.code == code, "\(error)", sourceLocation: sourceLocation)
        return error.serviceError?.message
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

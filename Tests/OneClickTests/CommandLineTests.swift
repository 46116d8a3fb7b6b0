import Foundation
import TestSupport
import Testing
@testable import OneClick

/// The `clickbridge` client commands as a user runs them: the built binary against a real
/// ClaimServer on loopback.
@Suite(.serialized)
struct CommandLineTests {
    @Test func binaryIsBuilt() {
        #expect(ClickBridgeBinary.path != nil, "build with --build-tests so the clickbridge binary exists beside the tests")
    }

    @Test func publishClaimAndEvents() async throws {
        let service = try await LiveClaimService.start()
        let common = ["--endpoint", service.endpoint, "--credentials", service.credentialsPath]
        let device = LiveClaimService.newDeviceId()
        let code = LiveClaimService.newClaimCode()

        let published = try await ClickBridgeBinary.run(["publish", "--device-id", device, "--claim-code", code, "--click", "long"] + common)
        #expect(published.status == 0, "\(published.err)")
        #expect(published.out.contains("registered \(device) with claim code \(code)"))
        #expect(published.out.contains("published LONG for \(device)"))

        // claim waits for the press that arrives while it counts down. The press goes once the
        // service has the initiation (a fixed head start lost the race on a loaded machine).
        async let claimed = ClickBridgeBinary.run(["claim", device, "--tag", "room=hall", "--timeout", "20s"] + common)
        let bridge = try service.client("bridge")
        let deadline = ContinuousClock.now + .seconds(15)
        while try await bridge.describeRegistration(deviceId: device).claimState != .claimInitiated {
            guard ContinuousClock.now < deadline else { Issue.record("claim did not initiate within 15 s"); break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let press = try await ClickBridgeBinary.run(["publish", "--device-id", device] + common)
        #expect(press.status == 0, "\(press.err)")
        let claim = try await claimed
        #expect(claim.status == 0, "\(claim.err)")
        #expect(claim.out.contains("\(device): CLAIM_INITIATED"))
        #expect(claim.out.contains("press the button on \(device) now"))
        #expect(claim.out.hasSuffix("\(device): CLAIMED\n"))
        let owner = try service.client("owner")
        #expect(try await owner.describeDevice(deviceId: device).deviceDescription?.tags == ["room": "hall"])

        let events = try await ClickBridgeBinary.run(["events", device, "--json"] + common)
        #expect(events.status == 0, "\(events.err)")
        let lines = events.out.split(separator: "\n")
        // Only the press after the claim began is the owner's to see.
        #expect(lines.count == 1)
        let line = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(line?["clickType"] as? String == "SINGLE")
        #expect(line?["deviceId"] as? String == device)
        await service.shutdown()
    }

    @Test func failuresAreOneLineOnStderr() async throws {
        let service = try await LiveClaimService.start()
        let common = ["--endpoint", service.endpoint, "--credentials", service.credentialsPath]
        let device = LiveClaimService.newDeviceId()
        _ = try await service.client("bridge").registerDevice(deviceId: device)

        let timeout = try await ClickBridgeBinary.run(["claim", device, "--timeout", "1s"] + common)
        #expect(timeout.status != 0)
        #expect(timeout.err.hasPrefix("Error: no press on \(device) within 1s"))
        #expect(timeout.err.split(separator: "\n").count == 1)

        let unknown = try await ClickBridgeBinary.run(["claim", LiveClaimService.newDeviceId()] + common)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("ResourceNotFoundException"))
        #expect(unknown.err.split(separator: "\n").count == 1)

        let noProfile = try await ClickBridgeBinary.run(["events", device, "--profile", "nobody"] + common)
        #expect(noProfile.status != 0)
        #expect(noProfile.err.contains("no profile [nobody]"))

        let down = try await ClickBridgeBinary.run(["publish", "--device-id", device, "--endpoint", "http://127.0.0.1:\(try freePort())",
                                       "--credentials", service.credentialsPath])
        #expect(down.status != 0)
        #expect(down.err.contains("is the service running there?"))
        #expect(down.err.split(separator: "\n").count == 1)
        await service.shutdown()
    }

    @Test func credentialsAddRotateListWithoutSecrets() async throws {
        let directory = try TemporaryDirectory()
        let state = ["--state-dir", directory.path]
        let added = try await ClickBridgeBinary.run(["credentials", "add", "alice"] + state)
        #expect(added.status == 0, "\(added.err)")
        #expect(added.out.contains("with principals bridge and owner"))
        let rotated = try await ClickBridgeBinary.run(["credentials", "rotate", "owner"] + state)
        #expect(rotated.status == 0, "\(rotated.err)")
        let listed = try await ClickBridgeBinary.run(["credentials", "list"] + state)
        #expect(listed.status == 0, "\(listed.err)")
        let file = try CredentialsFile.load(path: directory.path + "/credentials")
        #expect(file.profiles.map(\.name) == ["bridge", "owner", "alice"])
        for profile in file.profiles {
            #expect(listed.out.contains(profile.accessKeyId))
            #expect(!listed.out.contains(profile.secretAccessKey))
            #expect(!added.out.contains(profile.secretAccessKey) && !rotated.out.contains(profile.secretAccessKey))
        }
        #expect(try #require(file.profile(named: "owner")).previousKey != nil)
        // The default state dir comes from CLICKBRIDGE_STATE_DIR.
        let viaEnvironment = try await ClickBridgeBinary.run(["credentials", "list"], environment: ["CLICKBRIDGE_STATE_DIR": directory.path])
        #expect(viaEnvironment.out == listed.out)
    }
}

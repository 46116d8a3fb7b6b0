import Foundation
import Testing
@testable import OneClick

/// The `clickbridge` client commands as a user runs them: the built binary against a real
/// ClaimServer on loopback.
@Suite(.serialized)
struct CommandLineTests {
    struct Run: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The binary SwiftPM built beside the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("clickbridge")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Wait on a thread of its own: blocking a task would starve the cooperative pool, which
        // the in-process service needs to answer the very command being waited for.
        return await withCheckedContinuation { continuation in
            Thread {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                                   stderr: String(decoding: stderr, as: UTF8.self)))
            }.start()
        }
    }

    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build with --build-tests so \(Self.binary.path) exists")
    }

    @Test func publishClaimAndEvents() async throws {
        let service = try await LiveClaimService.start()
        let common = ["--endpoint", service.endpoint, "--credentials", service.credentialsPath]
        let device = LiveClaimService.newDeviceId()
        let code = LiveClaimService.newClaimCode()

        let published = try await Self.run(["publish", "--device-id", device, "--claim-code", code, "--click", "long"] + common)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("registered \(device) with claim code \(code)"))
        #expect(published.stdout.contains("published LONG for \(device)"))

        // claim waits for the press that arrives while it counts down.
        async let claimed = Self.run(["claim", device, "--tag", "room=hall", "--timeout", "20s"] + common)
        try await Task.sleep(for: .milliseconds(700))
        let press = try await Self.run(["publish", "--device-id", device] + common)
        #expect(press.status == 0, "\(press.stderr)")
        let claim = try await claimed
        #expect(claim.status == 0, "\(claim.stderr)")
        #expect(claim.stdout.contains("\(device): CLAIM_INITIATED"))
        #expect(claim.stdout.contains("press the button on \(device) now"))
        #expect(claim.stdout.hasSuffix("\(device): CLAIMED\n"))
        let owner = try service.client("owner")
        #expect(try await owner.describeDevice(deviceId: device).deviceDescription?.tags == ["room": "hall"])

        let events = try await Self.run(["events", device, "--json"] + common)
        #expect(events.status == 0, "\(events.stderr)")
        let lines = events.stdout.split(separator: "\n")
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

        let timeout = try await Self.run(["claim", device, "--timeout", "1s"] + common)
        #expect(timeout.status != 0)
        #expect(timeout.stderr.hasPrefix("Error: no press on \(device) within 1s"))
        #expect(timeout.stderr.split(separator: "\n").count == 1)

        let unknown = try await Self.run(["claim", LiveClaimService.newDeviceId()] + common)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("ResourceNotFoundException"))
        #expect(unknown.stderr.split(separator: "\n").count == 1)

        let noProfile = try await Self.run(["events", device, "--profile", "nobody"] + common)
        #expect(noProfile.status != 0)
        #expect(noProfile.stderr.contains("no profile [nobody]"))

        let down = try await Self.run(["publish", "--device-id", device, "--endpoint", "http://127.0.0.1:\(LoopbackHTTPServer.refusingPort())",
                                       "--credentials", service.credentialsPath])
        #expect(down.status != 0)
        #expect(down.stderr.contains("is the service running there?"))
        #expect(down.stderr.split(separator: "\n").count == 1)
        await service.shutdown()
    }

    @Test func credentialsAddRotateListWithoutSecrets() async throws {
        let directory = try TemporaryDirectory()
        let state = ["--state-dir", directory.path]
        let added = try await Self.run(["credentials", "add", "alice"] + state)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("with principals bridge and owner"))
        let rotated = try await Self.run(["credentials", "rotate", "owner"] + state)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let listed = try await Self.run(["credentials", "list"] + state)
        #expect(listed.status == 0, "\(listed.stderr)")
        let file = try CredentialsFile.load(path: directory.path + "/credentials")
        #expect(file.profiles.map(\.name) == ["bridge", "owner", "alice"])
        for profile in file.profiles {
            #expect(listed.stdout.contains(profile.accessKeyId))
            #expect(!listed.stdout.contains(profile.secretAccessKey))
            #expect(!added.stdout.contains(profile.secretAccessKey) && !rotated.stdout.contains(profile.secretAccessKey))
        }
        #expect(try #require(file.profile(named: "owner")).previousKey != nil)
        // The default state dir comes from CLICKBRIDGE_STATE_DIR.
        let viaEnvironment = try await Self.run(["credentials", "list"], environment: ["CLICKBRIDGE_STATE_DIR": directory.path])
        #expect(viaEnvironment.stdout == listed.stdout)
    }
}

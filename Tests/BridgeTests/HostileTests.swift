import Foundation
import Glibc
import Lines
import OneClick
import Presses
import TestSupport
import Testing
@testable import Bridge

/// Attacks on `run` and its files by a user on the same machine, each through the real binary:
/// a configuration or credentials someone else controls, a YAML alias bomb, a closed stdout and
/// a full disk. Each of these broke the daemon before the hardening.
@Suite(.serialized) struct HostileTests {
    /// A configuration with one trace button, in `dir`.
    func config(in dir: String, extra: String = "", mode: mode_t = 0o600) throws -> String {
        let trace = dir + "/t.trace"
        try NativeTraceWriter.document(SimulatedButton(name: "b").click().trace).write(toFile: trace, atomically: true, encoding: .utf8)
        let path = dir + "/run.yaml"
        try "stateDir: \(dir)/state\n\(extra)buttons:\n  - deviceId: G030PM0HOSTILE01\n    trace: { file: \(trace) }\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode)
        return path
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give a file to another user"))
    func aConfigurationOwnedByAnotherUserIsRefused() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let path = try config(in: dir)
        chown(path, 65534, 65534)  // nobody: mode 0600, but not ours
        for command in ["check", "run"] {
            let r = try await ClickBridgeBinary.run([command, "--config", path])
            #expect(r.status == 78, "\(command): \(r.err)")
            #expect(r.err.contains("is owned by nobody, not by root") && r.err.contains("sudo chown root \(path)"), "\(r.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/state"))
    }

    @Test func aConfigurationInADirectoryOthersCanWriteIsRefused() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let path = try config(in: dir)
        chmod(dir, 0o777)
        let r = try await ClickBridgeBinary.run(["run", "--config", path])
        #expect(r.status == 78)
        #expect(r.err.contains("which other users can write (mode 0777)") && r.err.contains("chmod o-w \(dir)"), "\(r.err)")
        chmod(dir, 0o1777)  // sticky, as /tmp: accepted
        let sticky = try await ClickBridgeBinary.run(["check", "--config", path])
        #expect(sticky.status == 0, "\(sticky.err)")
    }

    @Test(arguments: [0o644 as mode_t, 0o666])
    func credentialsOthersCanReadAreRefused(mode: mode_t) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let credentials = dir + "/credentials"
        try CredentialGenerator.defaultFile().write(path: credentials)
        chmod(credentials, mode)
        let serve = try await ClickBridgeBinary.run(["serve", "--listen", "127.0.0.1:0", "--state-dir", dir + "/service", "--credentials", credentials])
        #expect(serve.status != 0)
        #expect(serve.err.contains("readable by other users") && serve.err.contains("chmod 0640 \(credentials)"), "\(serve.err)")
        let run = try await ClickBridgeBinary.run(["run", "--config", try config(in: dir, extra: "credentials: \(credentials)\n")])
        #expect(run.status == 78, "\(run.err)")
        #expect(run.err.contains("readable by other users"), "\(run.err)")
    }

    /// 583 bytes, nine levels of aliases inside mapping keys: Yams' duplicate-key check hashes
    /// 5^9 copies of the first mapping, which kept `run` at 100 % CPU for over a minute with no
    /// output. The 30 s bound only stops a broken build from hanging CI.
    @Test func anAliasBombIsRefusedAtOnce() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let names = Array("abcdefghij")
        var bomb = "a: &a {x: 1}\n"
        for level in 1...9 {
            let keys = (0..<5).map { "[*\(names[level - 1]),\($0)]: \($0)" }.joined(separator: ", ")
            bomb += "\(names[level]): &\(names[level]) {\(keys)}\n"
        }
        bomb += "buttons: []\n"
        #expect(bomb.utf8.count == 583)
        let path = dir + "/bomb.yaml"
        try bomb.write(toFile: path, atomically: true, encoding: .utf8)
        let binary = try ClickBridgeBinary.required()
        let r = try await offPool { try FinishedCommand.run("/usr/bin/timeout", ["30", binary, "check", "--config", path]) }
        #expect(r.status == 78, "\(r.err)")
        #expect(r.err == "clickbridge check: \(path):1: an anchor (&name) is not accepted here: anchors and aliases let a few bytes expand beyond any bound; write the value out in full\n")
    }

    /// `clickbridge run … | head -1`: the pipe closes after the first line, and the daemon goes on
    /// deciding, committing and publishing presses, then stops cleanly on SIGTERM.
    @Test func runOutlivesItsClosedStdout() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        // Time to claim the device first: only events after the claim began are its owner's. A
        // replay starts at its first edge, so a 2 ms glitch (debounced away) comes first and the
        // clicks 8 s after it.
        var script = SimulatedButton(name: "b").glitch().wait(.seconds(8))
        for _ in 0..<3 { script = script.click(bounce: 1).wait(.milliseconds(700)) }
        try NativeTraceWriter.document(script.trace).write(toFile: dir + "/clicks.trace", atomically: true, encoding: .utf8)
        let endpoint = "http://127.0.0.1:\(try freePort())"
        try """
            stateDir: \(dir)/state
            listen: \(endpoint.dropFirst("http://".count))
            claimCode: C-HOSTILE0000001
            buttons:
              - deviceId: G030PM0HOSTILE02
                trace: { file: \(dir)/clicks.trace }
            """.write(toFile: dir + "/run.yaml", atomically: true, encoding: .utf8)
        let process = try ClickBridgeBinary.launch(["run", "--config", dir + "/run.yaml"], standardOutput: .pipe)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // As `head -1` does: one line, then the reading end is gone.
        let reader = try #require(process.standardOutput)
        var first = Data()
        while !first.contains(10) {
            let chunk = try await offPool { readChunk(reader) }
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        close(reader)

        let owner = try OneClickClient(endpoint: endpoint, credentials: ClientCredentials.load(path: dir + "/state/credentials", profile: "owner"))
        var claimed = false
        for _ in 0..<100 where !claimed {
            claimed = ((try? await owner.claimDevicesByClaimCode("C-HOSTILE0000001"))?.total ?? 0) == 1
            if !claimed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(claimed)
        // The three clicks are decided, committed and published while stdout is closed.
        var events = 0
        for _ in 0..<300 where events < 3 && process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            events = (try? await owner.listDeviceEvents(deviceId: "G030PM0HOSTILE02", from: Date(timeIntervalSinceNow: -600), to: Date(timeIntervalSinceNow: 60)))?.events?.count ?? 0
        }
        #expect(process.isRunning, "run died when its stdout closed (status \(process.terminationStatus))")
        #expect(events == 3)
        kill(process.processIdentifier, SIGTERM)
        try await offPool { process.waitUntilExit() }
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// A 2 MB tmpfs as the state dir, filled while presses arrive: every press waits in memory,
    /// `status` says so, and once space is free every press is committed and published, once.
    @Test(.enabled(if: HostileTests.canMountTmpfs, "mounting a tmpfs needs root and a kernel that allows it (as in CI)"))
    func aFullDiskKeepsPressesAndCommitsThemWhenSpaceReturns() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let small = dir + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        #expect(try await offPool { try FinishedCommand.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small]) }.status == 0)
        defer { _ = try? FinishedCommand.run("/bin/umount", ["-l", small]) }

        // The service lives elsewhere, on a disk with room: only the bridge's disk fills up.
        let env = try await BridgeEnvironment.prepare(config: BridgeConfig(stateDir: dir + "/service", listen: "127.0.0.1:0", buttons: []))
        let server = try #require(env.embedded)
        let owner = try env.client(profile: "owner")
        let device = "G030PM0DISKFULL1"
        try await OneClickSink(client: try env.client(profile: "bridge")).register(deviceId: device, claimCode: "C-DISKFULL000001")
        #expect(try await owner.claimDevicesByClaimCode("C-DISKFULL000001").total == 1)

        let presses = 10
        var script = SimulatedButton(name: "b").wait(.milliseconds(1500))
        for _ in 0..<presses { script = script.click(bounce: 1).wait(.milliseconds(700)) }
        try NativeTraceWriter.document(script.trace).write(toFile: dir + "/clicks.trace", atomically: true, encoding: .utf8)
        let config = dir + "/run.yaml"
        try """
            stateDir: \(small)/state
            endpoint: http://127.0.0.1:\(server.port)
            credentials: \(env.credentialsPath)
            buttons:
              - deviceId: \(device)
                trace: { file: \(dir)/clicks.trace }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let lines = Collector<String>(), logs = Collector<String>()
        let daemon = try CrashTests().launch(config: config, lines: lines, logs: logs)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        _ = await lines.take(1)

        // Fill the disk before the first click.
        let filler = small + "/filler"
        try await offPool { Self.fill(filler) }
        var said = ""
        for _ in 0..<100 where !said.contains("disk full:") {
            try await Task.sleep(for: .milliseconds(100))
            said = try await ClickBridgeBinary.run(["status", "--config", config]).out
        }
        #expect(said.contains("disk full:") && said.contains("waiting in memory since"), "\(said)")
        try FileManager.default.removeItem(atPath: filler)

        var stored = 0
        for _ in 0..<400 where stored < presses {
            try await Task.sleep(for: .milliseconds(100))
            stored = (try? await owner.listDeviceEvents(deviceId: device, from: Date(timeIntervalSinceNow: -600), to: Date(timeIntervalSinceNow: 60)))?.events?.count ?? stored
        }
        #expect(stored == presses)
        kill(daemon.processIdentifier, SIGTERM)
        try await offPool { daemon.waitUntilExit() }
        #expect(daemon.terminationStatus == 0)
        let logged = await logs.take(10_000, timeout: 1)
        #expect(!logged.contains { $0.contains("LOST PRESS") })
        #expect(logged.filter { $0.contains("cannot commit presses") && $0.contains("disk full") }.count == 1, "logged once, not per press: \(logged)")
        #expect(logged.contains { $0.contains("the outbox takes presses again") })
        await server.shutdown()
    }

    /// Writes until the file system refuses.
    static func fill(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        var one: UInt8 = 0
        while write(fd, &one, 1) > 0 {}
    }

    /// Whether this machine lets the tests mount a tmpfs (root, and no container forbidding it).
    static let canMountTmpfs: Bool = {
        guard geteuid() == 0 else { return false }
        let probe = testScratch.appendingPathComponent("cb-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? FinishedCommand.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]))?.status == 0 else { return false }
        _ = try? FinishedCommand.run("/bin/umount", [probe])
        return true
    }()
}

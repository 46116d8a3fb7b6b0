import Foundation
import Glibc
import Lines
import OneClick
import TestSupport
import Testing
@testable import Bridge

/// What a new user meets first, through the real binary: `--version`, `check`, `replay`'s
/// self-check, the refusals that must come before anything is written, and `status` for a
/// person in the daemon's group.
@Suite(.serialized) struct PiOwnerPathTests {
    func clickbridge(_ arguments: [String], as account: Account? = nil) async throws -> FinishedCommand {
        guard let account else { return try await ClickBridgeBinary.run(arguments) }
        let binary = try ClickBridgeBinary.required()
        // setpriv: the same binary as another user, with exactly the given groups.
        let groups = account.groups.isEmpty ? ["--clear-groups"] : ["--groups=\(account.groups.map(String.init).joined(separator: ","))"]
        return try await offPool {
            try FinishedCommand.run("/usr/bin/setpriv", ["--reuid=\(account.uid)", "--regid=\(account.gid)"] + groups + [binary] + arguments)
        }
    }

    struct Account { var uid: uid_t; var gid: gid_t; var groups: [gid_t] }

    static let example = ConfigTests.repo.appendingPathComponent("hardware/clickbridge.yaml").path

    /// The example with its state dir (and, if given, its listen address) moved into `dir`.
    func exampleConfig(in dir: String, listen: String? = nil) throws -> String {
        var text = try String(contentsOfFile: Self.example, encoding: .utf8)
            .replacingOccurrences(of: "stateDir: /var/lib/clickbridge", with: "stateDir: \(dir)/state")
        if let listen { text = text.replacingOccurrences(of: "# listen: 127.0.0.1:8787", with: "listen: \(listen)") }
        let path = dir + "/clickbridge.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        return path
    }

    @Test func versionNamesTheReleaseAndTheLibrariesInUse() async throws {
        let r = try await clickbridge(["--version"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("clickbridge ") == true && lines.first!.split(separator: ".").count == 3)
        #expect(lines.contains("libgpiod: \(GPIOLibrary.version) (GPIO uAPI v\(GPIOLibrary.api))"))
        #expect(lines.last?.hasPrefix("libevdev: libevdev.so.") == true)
    }

    /// The shipped example passes as it is: exit 0, the missing chip only a warning, and nothing
    /// created or bound (its port is held by this test the whole time).
    @Test func checkPassesTheShippedExampleAndCreatesNothing() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let held = try LoopbackSocket(listening: 1)
        let config = try exampleConfig(in: dir, listen: "127.0.0.1:\(held.port)")
        let r = try await clickbridge(["check", "--config", config])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("clickbridge check: \(config) is valid"))
        #expect(r.out.contains("device G030PM0123456789  button gpiochip0:GPIO17  (gpio gpiochip0 line GPIO17, pull-up, active-low)"))
        #expect(r.out.contains("credentials \(dir)/state/credentials (run creates it)"))
        if access("/dev/gpiochip0", F_OK) != 0 {
            #expect(r.err.contains("warning: G030PM0123456789: GPIO chip /dev/gpiochip0 does not exist here (yet); run waits for it"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["clickbridge.yaml"])
        close(held.fd)
    }

    @Test(arguments: [
        ("buttons:\n  - deviceId: a1\n    gpoi: { chip: gpiochip0, line: GPIO17 }\n", "buttons[0].gpoi: unknown key"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: missing.trace }\n", "trace "),
        ("credentials: /nonexistent/credentials\nbuttons:\n  - deviceId: a1\n    gpio: { chip: gpiochip0, line: GPIO17 }\n",
         "credentials /nonexistent/credentials does not exist"),
        ("profile: someone\nbuttons:\n  - deviceId: a1\n    gpio: { chip: gpiochip0, line: GPIO17 }\n", "profile 'someone' will not exist"),
    ])
    func checkAndRunExit78OnAConfigError(yaml: String, fragment: String) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let path = dir + "/c.yaml"
        try ("stateDir: \(dir)/state\n" + yaml).write(toFile: path, atomically: true, encoding: .utf8)
        for command in ["check", "run"] {
            let r = try await clickbridge([command, "--config", path])
            #expect(r.status == 78, "\(command): \(r.err)")
            #expect(r.err.hasPrefix("clickbridge \(command): ") && r.err.contains(fragment), "\(r.err)")
            #expect(r.err.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: dir + "/state"))
        }
    }

    @Test func checkRefusesAConfigOthersCanWrite() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let config = try exampleConfig(in: dir)
        chmod(config, 0o666)
        let r = try await clickbridge(["check", "--config", config])
        #expect(r.status == 78)
        #expect(r.err.contains("chmod go-w \(config)"))
    }

    @Test func replayChecksTheTracesExpectations() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let wrong = dir + "/wrong.trace"
        try """
            clickbridge-trace 1
            button b
            expect DOUBLE b pressedAt=1 decidedAt=1.5
            1.000000000 b 1
            1.120000000 b 0
            """.write(toFile: wrong, atomically: true, encoding: .utf8)
        let r = try await clickbridge(["replay", wrong])
        #expect(r.status == 1)
        #expect(r.out.hasPrefix("SINGLE  b  pressed 1.000000000  decided 1.520000000"))
        #expect(r.err.contains("\(wrong): line 3: expected DOUBLE of b"))
        #expect(r.err.contains("--no-check"))
        let unchecked = try await clickbridge(["replay", wrong, "--no-check"])
        #expect(unchecked.status == 0 && unchecked.err.isEmpty && unchecked.out == r.out)
        // Other timing: the expectations no longer apply, and it says so.
        let retimed = try await clickbridge(["replay", wrong, "--double-window", "0"])
        #expect(retimed.status == 0)
        #expect(retimed.err.contains("expectations not checked: --double-window"))
        // Every bundled trace checks out.
        let traces = ConfigTests.repo.appendingPathComponent("hardware/traces").path
        for name in try FileManager.default.contentsOfDirectory(atPath: traces) where name != "README.md" && !name.hasSuffix(".svg") {
            let each = try await clickbridge(["replay", traces + "/" + name])
            #expect(each.status == 0, "\(name): \(each.err)")
        }
    }

    @Test func aTraceWithoutPressesSaysSo() async throws {
        let path = ConfigTests.repo.appendingPathComponent("hardware/traces/glitches-only.trace").path
        let r = try await clickbridge(["replay", path])
        #expect(r.status == 0 && r.out.isEmpty)
        #expect(r.err == "\(path): no presses, as the trace expects\n")
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try "clickbridge-trace 1\nbutton b\n1.0 b 1\n1.005 b 0\n".write(toFile: dir + "/t.trace", atomically: true, encoding: .utf8)
        let silent = try await clickbridge(["replay", dir + "/t.trace"])
        #expect(silent.status == 0 && silent.err == "\(dir)/t.trace: no presses in 2 edges\n")
    }

    @Test func polarityFlagsAreExclusiveAndApplyWhereTheyMean() async throws {
        let both = try await clickbridge(["listen", "--gpio", "gpiochip0:GPIO17", "--active-low", "--active-high"])
        #expect(both.status != 0 && both.err.contains("not both"))
        let evdev = try await clickbridge(["listen", "--evdev", "/dev/input/event0", "--active-high"])
        #expect(evdev.status != 0 && evdev.err.contains("evdev key reports presses as 1"))
        let evemu = ConfigTests.repo.appendingPathComponent("hardware/traces/key-single.evemu").path
        let replayed = try await clickbridge(["replay", evemu, "--active-low"])
        #expect(replayed.status != 0 && replayed.err.contains("apply to gpiomon and native traces"))
        // The CLI takes the bias spellings the config takes.
        let bias = try await clickbridge(["listen", "--gpio", "nochip-\(UUID().uuidString.prefix(8)):GPIO17", "--bias", "pullup"])
        #expect(bias.status != 0 && !bias.err.contains("--bias"))
    }

    @Test func allowUnsignedOffLoopbackIsRefusedBeforeAnythingIsWritten() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let r = try await clickbridge(["serve", "--listen", "0.0.0.0:0", "--allow-unsigned", "--state-dir", dir + "/state"])
        #expect(r.status != 0)
        #expect(r.err.contains("--allow-unsigned is only allowed on a loopback address"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/state"))
    }

    /// The state dir as the daemon leaves it (0750, its files 0640 or 0600, group of the dir),
    /// read by `status` as another user: with the group it reports, without it it fails loudly.
    @Test func statusForAMemberOfTheDaemonsGroupAndForAStranger() async throws {
        guard geteuid() == 0, access("/usr/bin/setpriv", X_OK) == 0 else {
            Issue.record("needs root and setpriv to run status as other users; skipped")
            return
        }
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        chmod(dir, 0o755)
        let config = try exampleConfig(in: dir, listen: "127.0.0.1:\(try freePort())")
        let state = dir + "/state"
        try StateFiles.makeDirectory(state)
        let group: gid_t = 64_123  // a group nobody else uses: the daemon's group, here
        chown(state, 0, group)
        try CredentialsFile.createDefaultIfMissing(path: state + "/credentials")
        var writer: Outbox? = try Outbox(stateDir: state)
        try writer?.enqueue(deviceId: "G030PM0123456789", button: "b", clickType: .single, reportedTime: "2026-01-01T00:00:00.000Z")
        #expect(try fileMode(state) == 0o750)
        #expect(try fileMode(state + "/credentials") == 0o640)
        #expect(try fileMode(state + "/outbox.sqlite") == 0o640)
        #expect(try fileGroup(state + "/outbox.sqlite") == group)
        #expect(try fileMode(state + "/credentials.lock") == 0o600)

        // While the writer is open (-wal and -shm exist, and this user cannot write them).
        let member = Account(uid: 65534, gid: 65534, groups: [group])
        let read = try await clickbridge(["status", "--config", config], as: member)
        #expect(read.status == 0, "\(read.err)")
        #expect(read.out.contains("outbox    1 waiting"))
        #expect(read.out.contains("service unreachable"))

        let stranger = Account(uid: 65534, gid: 65534, groups: [])
        let refused = try await clickbridge(["status", "--config", config], as: stranger)
        #expect(refused.status != 0)
        #expect(refused.err.contains("cannot read the state dir \(state)"), "\(refused.err)")
        #expect(refused.err.contains("sudo adduser nobody clickbridge"))
        #expect(!refused.out.contains("none yet"))

        // The daemon stopped. This user could not create -wal and -shm, so they must stay.
        writer = nil
        #expect(FileManager.default.fileExists(atPath: state + "/outbox.sqlite-shm"))
        let stopped = try await clickbridge(["status", "--config", config], as: member)
        #expect(stopped.status == 0, "\(stopped.err)")
        #expect(stopped.out.contains("outbox    1 waiting"))
    }

    func fileMode(_ path: String) throws -> mode_t {
        var st = stat()
        try #require(stat(path, &st) == 0)
        return st.st_mode & 0o7777
    }

    func fileGroup(_ path: String) throws -> gid_t {
        var st = stat()
        try #require(stat(path, &st) == 0)
        return st.st_gid
    }
}

import Foundation
import Glibc
import OneClick
import TestSupport
import Testing
@testable import Bridge

/// `serve`'s start-up failures through the real binary: each names the file at fault, says why
/// (for whom, with owner and mode where permissions are the cause) and what to do. Before,
/// SQLite's words alone ("file is not a database") or a bare errno said nothing about what to do.
@Suite(.serialized) struct ServeStartupTests {
    let nobody = PiOwnerPathTests.Account(uid: 65534, gid: 65534, groups: [])

    func serve(_ arguments: [String], as account: PiOwnerPathTests.Account? = nil) async throws -> FinishedCommand {
        try await PiOwnerPathTests().clickbridge(["serve", "--listen", "127.0.0.1:0"] + arguments, as: account)
    }

    /// A credentials file in `dir` that `nobody` reads through its group, as a member of the
    /// daemon's group would (others get no access: FileTrust refuses that).
    func credentials(in dir: String) throws -> String {
        let path = dir + "/creds"
        try CredentialsFile.createDefaultIfMissing(path: path)
        chown(path, 0, 65534)
        chmod(path, 0o640)
        return path
    }

    func needsRoot() -> Bool {
        guard geteuid() == 0, access("/usr/bin/setpriv", X_OK) == 0 else {
            Issue.record("needs root and setpriv to run serve as another user; skipped")
            return false
        }
        return true
    }

    /// As root: a temporary directory others may enter, the credentials in it, and an empty state
    /// directory in it with `stateMode`. The caller removes `dir`.
    func rootLayout(stateMode: mode_t) throws -> (dir: String, creds: String, state: String) {
        let dir = try makeTemporaryDirectory()
        chmod(dir, 0o755)
        let state = dir + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        chmod(state, stateMode)  // after creating it, so the umask does not narrow it
        return (dir, try credentials(in: dir), state)
    }

    func expectRefusal(_ r: FinishedCommand, naming file: String, _ says: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, sourceLocation: sourceLocation)
        let line = r.err.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n"), "one line: \(line)", sourceLocation: sourceLocation)
        #expect(line.contains(file), "\(line)", sourceLocation: sourceLocation)
        for text in says { #expect(line.contains(text), "\(line)", sourceLocation: sourceLocation) }
    }

    @Test func stateDirNotWritable() async throws {
        guard needsRoot() else { return }
        let (dir, creds, state) = try rootLayout(stateMode: 0o755)
        defer { removeTemporaryDirectory(dir) }
        let r = try await serve(["--state-dir", state, "--credentials", creds], as: nobody)
        expectRefusal(r, naming: state + "/claim-service.sqlite",
                      ["\(state) is not writable by nobody (owner root, group root, mode 0755)", "make the state dir writable", "another state dir"])
        // Without --credentials, the credentials are made there first: that is what fails.
        let own = try await serve(["--state-dir", state], as: nobody)
        expectRefusal(own, naming: state + "/credentials.lock", ["\(state) is not writable by nobody", "run as a user who may write in \(state)"])
    }

    @Test func databaseFileIsADirectory() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let creds = try credentials(in: dir)
        try FileManager.default.createDirectory(atPath: dir + "/state/claim-service.sqlite", withIntermediateDirectories: true)
        let r = try await serve(["--state-dir", dir + "/state", "--credentials", creds])
        expectRefusal(r, naming: dir + "/state/claim-service.sqlite", ["is a directory, not a file", "move it out of the way"])
    }

    @Test func credentialsNotReadable() async throws {
        guard needsRoot() else { return }
        // The service's user owns its state dir; a directory others could write would be refused.
        let (dir, creds, state) = try rootLayout(stateMode: 0o700)
        defer { removeTemporaryDirectory(dir) }
        chmod(creds, 0o600)
        chown(state, 65534, 65534)
        let given = try await serve(["--state-dir", state, "--credentials", creds], as: nobody)
        expectRefusal(given, naming: creds, ["is not readable by nobody (owner root, group nogroup, mode 0600)", "omit --credentials"])
        // The state dir's own credentials, made by root earlier.
        try FileManager.default.copyItem(atPath: creds, toPath: state + "/credentials")
        chmod(state + "/credentials", 0o600)
        let own = try await serve(["--state-dir", state], as: nobody)
        expectRefusal(own, naming: state + "/credentials", ["is not readable by nobody", "run serve as a user that may read it", "--credentials FILE"])
    }

    @Test(arguments: [false, true])
    func databaseIsCorrupt(withSQLiteHeader: Bool) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let creds = try credentials(in: dir)
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        var bytes = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        if withSQLiteHeader { bytes.replaceSubrange(0..<16, with: Array("SQLite format 3\0".utf8)) }
        #expect(FileManager.default.createFile(atPath: dir + "/state/claim-service.sqlite", contents: Data(bytes)))
        let r = try await serve(["--state-dir", dir + "/state", "--credentials", creds])
        expectRefusal(r, naming: dir + "/state/claim-service.sqlite",
                      ["not a SQLite database, or it is damaged", "move it", "out of the way", "backup"])
    }

    @Test func walNotWritableByTheServicesUser() async throws {
        guard needsRoot() else { return }
        let (dir, creds, state) = try rootLayout(stateMode: 0o755)
        defer { removeTemporaryDirectory(dir) }
        // The database belongs to the service's user, but a -wal left by a run as root does not.
        #expect(FileManager.default.createFile(atPath: state + "/claim-service.sqlite", contents: Data()))
        #expect(FileManager.default.createFile(atPath: state + "/claim-service.sqlite-wal", contents: Data()))
        chmod(state + "/claim-service.sqlite", 0o600)
        chmod(state + "/claim-service.sqlite-wal", 0o600)
        chown(state + "/claim-service.sqlite", 65534, 65534)
        let r = try await serve(["--state-dir", state, "--credentials", creds], as: nobody)
        expectRefusal(r, naming: state + "/claim-service.sqlite-wal",
                      ["is not readable and writable by nobody (owner root, group root, mode 0600)", "run the service as the user that owns it"])
    }
}

import Foundation
import Glibc
import OneClick
import TestSupport
import Testing

/// Which files may steer the daemon: owner, mode and directories, as sshd's StrictModes.
@Suite struct FileTrustTests {
    func scratch() throws -> String {
        let dir = testScratch.appendingPathComponent("cb-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o755)
        return dir
    }

    func file(in dir: String, mode: mode_t) -> String {
        let path = dir + "/f"
        _ = FileManager.default.createFile(atPath: path, contents: Data("x\n".utf8))
        chmod(path, mode)
        return path
    }

    @Test("a configuration writable by group or others is refused, saying why and how to fix it", arguments: [
        (0o666 as mode_t, "writable by its group and writable by other users"), (0o646, "writable by other users"),
        (0o664, "writable by its group"), (0o620, "writable by its group"),
    ])
    func writableConfiguration(mode: mode_t, who: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = file(in: dir, mode: mode)
        #expect {
            try FileTrust.check(path, as: .configuration)
        } throws: { error in
            (error as? FileTrust.Refusal)?.description == "\(path) is \(who) (mode 0\(String(mode, radix: 8))); since its actions run commands, that is not safe. Fix it with: chmod go-w \(path)"
        }
    }

    @Test("owner-only writable configurations pass", arguments: [0o644 as mode_t, 0o600, 0o400, 0o755])
    func acceptedConfiguration(mode: mode_t) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: Never.self) { try FileTrust.check(file(in: dir, mode: mode), as: .configuration) }
    }

    @Test("credentials others can read or anyone but the owner can write are refused", arguments: [0o644 as mode_t, 0o666, 0o604, 0o660, 0o601])
    func openCredentials(mode: mode_t) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = file(in: dir, mode: mode)
        #expect(throws: FileTrust.Refusal.self) { try FileTrust.check(path, as: .credentials) }
        // The group may read them: that is how members of the daemon's group claim.
        chmod(path, 0o640)
        #expect(throws: Never.self) { try FileTrust.check(path, as: .credentials) }
    }

    @Test func aDirectoryOthersCanWriteIsRefusedUnlessSticky() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = file(in: dir, mode: 0o600)
        chmod(dir, 0o777)
        #expect {
            try FileTrust.check(path, as: .configuration)
        } throws: { error in
            (error as? FileTrust.Refusal)?.reason == "is in \(dir), which other users can write (mode 0777): anyone could replace the file. Fix it with: chmod o-w \(dir)"
        }
        chmod(dir, 0o1777)  // as /tmp: others can add files but not replace this one
        #expect(throws: Never.self) { try FileTrust.check(path, as: .configuration) }
    }

    @Test func aFileOwnedByAnotherUserIsRefusedUnlessAccepted() throws {
        guard geteuid() == 0 else { return }  // only root can give a file away; CI runs as root
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = file(in: dir, mode: 0o600)
        chown(path, 65534, 65534)
        #expect {
            try FileTrust.check(path, as: .configuration)
        } throws: { error in
            (error as? FileTrust.Refusal)?.reason.hasPrefix("is owned by nobody, not by root or root") == true
        }
        #expect(throws: FileTrust.Refusal.self) { try FileTrust.check(path, as: .credentials) }
        // Client commands accept the daemon user's file.
        #expect(throws: Never.self) { try FileTrust.check(path, as: .credentials, alsoOwnedBy: [65534]) }
        // A directory another user owns and can write lets that user swap the file.
        chown(path, 0, 0)
        chown(dir, 65534, 65534)
        #expect(throws: FileTrust.Refusal.self) { try FileTrust.check(path, as: .configuration) }
    }
}

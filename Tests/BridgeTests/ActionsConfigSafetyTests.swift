import Bridge
import Foundation
import Testing

@Suite("Actions: config file safety")
struct ActionsConfigSafetyTests {
    @Test("a config writable by group or others is refused, saying why and how to fix it", arguments: [
        (0o666 as mode_t, "its group and other users"), (0o646, "other users"), (0o664, "its group"), (0o620, "its group"),
    ])
    func refused(mode: mode_t, who: String) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let file = dir.file("clickbridge.yaml")
        _ = FileManager.default.createFile(atPath: file, contents: Data("buttons: []\n".utf8))
        #expect(chmod(file, mode) == 0)
        #expect(throws: ConfigFileSafety.Unsafe.self) { try ConfigFileSafety.check(file: file) }
        do {
            try ConfigFileSafety.check(file: file)
        } catch {
            #expect(error.description == "\(file) is writable by \(who) (mode \(String(mode, radix: 8))); since its actions run commands, "
                + "that lets them run commands as this user. Fix it with: chmod go-w \(file)")
        }
    }

    @Test("owner-only writable configs pass", arguments: [0o644 as mode_t, 0o600, 0o400, 0o755])
    func accepted(mode: mode_t) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let file = dir.file("clickbridge.yaml")
        _ = FileManager.default.createFile(atPath: file, contents: Data("buttons: []\n".utf8))
        #expect(chmod(file, mode) == 0)
        #expect(throws: Never.self) { try ConfigFileSafety.check(file: file) }
    }
}

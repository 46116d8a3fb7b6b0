import Foundation
import Glibc
import OneClick

/// One line the daemon keeps in its state dir for `status` while presses cannot be committed
/// ("disk full: 12 presses waiting in memory since …"). The file is made at start with a fixed
/// size and then only overwritten in place, so writing it needs no new disk blocks: it works
/// when the disk is full, which is when it matters.
public final class OutboxNote: Sendable {
    public static let fileName = "outbox-note"
    static let size = 512
    private let fd: Int32

    /// Creates (or reuses) the file in `stateDir`, blank.
    public init(stateDir: String) throws {
        let path = (stateDir as NSString).appendingPathComponent(Self.fileName)
        try StateFiles.prepare(path, mode: StateFiles.sharedMode)
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileProblem(path: path, reason: "cannot be opened: \(String(cString: strerror(errno)))") }
        self.fd = fd
        set(nil)
    }

    deinit { close(fd) }

    /// Replaces the line; nil blanks it. Longer lines are cut to the file's size.
    public func set(_ line: String?) {
        var bytes = Array((line ?? "").utf8.prefix(Self.size - 1))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: Self.size - bytes.count))
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// What a running daemon says, or nil when the file is absent or blank.
    public static func read(stateDir: String) -> String? {
        let path = (stateDir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !text.isEmpty else { return nil }
        return text
    }
}

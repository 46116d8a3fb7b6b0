import Foundation
import Synchronization

extension UUID {
    /// A random (version 4) UUID from the kernel's random bytes (`getrandom`, through glibc's
    /// `arc4random_buf`, which cannot fail), taken from a buffer filled 32 UUIDs at a time.
    /// Foundation's `UUID()` on Linux opens, reads and closes /dev/urandom for each UUID, and
    /// glibc's `arc4random_buf` makes one system call per call: one per request the service answers.
    public static func random() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            randomBytes.withLock { $0.take(into: raw) }
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
        }
        return UUID(uuid: bytes)
    }

    /// The UUID in the lower-case form AWS uses for request and event ids, as
    /// `uuidString.lowercased()` spells it. Written here because Foundation's `uuidString` formats
    /// each byte with `snprintf`, about 6,000 instructions, once per request the service answers.
    public var lowercasedString: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var i = 0
                for (n, byte) in bytes.enumerated() {
                    if n == 4 || n == 6 || n == 8 || n == 10 {
                        out[i] = UInt8(ascii: "-")
                        i += 1
                    }
                    out[i] = SigV4Crypto.hexDigits[Int(byte >> 4)]
                    out[i + 1] = SigV4Crypto.hexDigits[Int(byte & 0x0F)]
                    i += 2
                }
                return i
            }
        }
    }
}

private let randomBytes = Mutex(RandomBytes())

/// Kernel random bytes, fetched 512 at a time and each handed out once.
private struct RandomBytes: ~Copyable {
    private var buffer = [UInt8](repeating: 0, count: 512)
    private var used = 512

    mutating func take(into out: UnsafeMutableRawBufferPointer) {
        if used + out.count > buffer.count {
            buffer.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
            used = 0
        }
        buffer.withUnsafeBytes { source in
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[used..<used + out.count]))
        }
        used += out.count
    }
}

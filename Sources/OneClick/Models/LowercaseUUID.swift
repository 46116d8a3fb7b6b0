import Foundation

extension UUID {
    /// A random (version 4) UUID from glibc's `arc4random_buf`, which asks the kernel
    /// (`getrandom`) and cannot fail. Foundation's `UUID()` on Linux opens, reads and closes
    /// /dev/urandom for each UUID: three system calls per request the service answers.
    public static func random() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            arc4random_buf(raw.baseAddress!, raw.count)
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
        }
        return UUID(uuid: bytes)
    }

    /// The UUID in the lower-case form AWS uses for request and event ids, as
    /// `uuidString.lowercased()` spells it. Written here because Foundation's `uuidString` formats
    /// each byte with `snprintf`, about 6,000 instructions, once per request the service answers.
    public var lowercasedString: String {
        let hex = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var i = 0
                for (n, byte) in bytes.enumerated() {
                    if n == 4 || n == 6 || n == 8 || n == 10 {
                        out[i] = UInt8(ascii: "-")
                        i += 1
                    }
                    out[i] = hex[Int(byte >> 4)]
                    out[i + 1] = hex[Int(byte & 0x0F)]
                    i += 2
                }
                return i
            }
        }
    }
}

import Foundation

extension UUID {
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

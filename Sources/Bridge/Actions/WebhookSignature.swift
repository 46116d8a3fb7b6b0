import Crypto

/// `X-ClickBridge-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes, keyed with the
/// webhook's `secret` as UTF-8, in lowercase hex. A receiver recomputes it over the raw body it
/// got and compares in constant time (see hardware/actions.md).
public enum WebhookSignature {
    public static func header(body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `header` is the valid signature of `body`; for receivers written in Swift and tests.
    public static func isValid(_ header: String, body: [UInt8], secret: String) -> Bool {
        let expected = Array(self.header(body: body, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<expected.count { diff |= expected[i] ^ given[i] }
        return diff == 0
    }
}

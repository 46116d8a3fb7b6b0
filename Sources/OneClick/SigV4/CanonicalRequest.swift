import Crypto

/// The SigV4 canonical request, built the way botocore builds it for non-S3 services. The signer
/// and the verifier both go through here, so they cannot disagree.
public struct CanonicalRequest: Sendable {
    public let method: String
    public let canonicalURI: String
    public let canonicalQuery: String
    /// `name:value\n` lines, sorted by name.
    public let canonicalHeaders: String
    /// `name;name;…`, lower case, sorted.
    public let signedHeaders: String
    public let payloadHash: String

    /// - Parameters:
    ///   - rawPath: the path exactly as it appears on the wire (already percent-encoded).
    ///   - rawQuery: the query exactly as on the wire, without `?`.
    ///   - headers: every header to sign (name, value); names are matched case-insensitively and
    ///     repeated names are joined with `,`.
    public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)], payload: [UInt8]) {
        self.init(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers,
                  payloadHash: SigV4Crypto.sha256Hex(payload))
    }

    public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)], payloadHash: String) {
        self.method = method.uppercased()
        canonicalURI = Self.canonicalURI(rawPath: rawPath)
        canonicalQuery = Self.canonicalQuery(rawQuery: rawQuery)
        var grouped: [String: [String]] = [:]
        for (name, value) in headers {
            grouped[name.lowercased(), default: []].append(Self.normalizeHeaderValue(value))
        }
        let names = grouped.keys.sorted()
        canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        signedHeaders = names.joined(separator: ";")
        self.payloadHash = payloadHash
    }

    public var text: String {
        [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
    }

    public var hashHex: String { SigV4Crypto.sha256Hex(text.utf8) }

    /// The raw path with dot segments and empty segments removed, then percent-encoded once
    /// more (keeping `/`): botocore's double encoding for every service but S3.
    public static func canonicalURI(rawPath: String) -> String {
        AWSPercentEncoding.encode(normalizePath(rawPath), keepSlash: true)
    }

    /// Removes `.`, `..` and empty segments (AWS wants consecutive slashes collapsed), keeping a
    /// leading and, when anything is left, a trailing slash. An empty path is `/`.
    static func normalizePath(_ path: String) -> String {
        if path.isEmpty { return "/" }
        // As bytes, as botocore splits by code points: a Character-wise split costs ten times as
        // much, and would not split a slash followed by a combining mark.
        let bytes = Array(path.utf8)
        var kept: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: slash) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) { _ = kept.popLast(); continue }
            kept.append(segment)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        if bytes.first == slash { out.append(slash) }
        for (n, segment) in kept.enumerated() {
            if n > 0 { out.append(slash) }
            out.append(contentsOf: segment)
        }
        if bytes.last == slash && !kept.isEmpty { out.append(slash) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Each `key=value` pair decoded and re-encoded with AWS percent-encoding, then sorted by key
    /// and value. For a botocore query (already encoded that way) this is botocore's own string.
    public static func canonicalQuery(rawQuery: String) -> String {
        if rawQuery.isEmpty { return "" }
        var pairs: [(String, String)] = []
        for part in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let key: Substring
            let value: Substring
            if let eq = part.firstIndex(of: "=") {
                key = part[..<eq]
                value = part[part.index(after: eq)...]
            } else {
                key = part
                value = ""
            }
            pairs.append((AWSPercentEncoding.encode(AWSPercentEncoding.decode(String(key))),
                          AWSPercentEncoding.encode(AWSPercentEncoding.decode(String(value)))))
        }
        // Byte order, as the specification asks (String's < on ASCII is byte order).
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims the value and collapses runs of whitespace into one space, as botocore does.
    static func normalizeHeaderValue(_ value: String) -> String {
        // As bytes: Swift's Characters cost more, and take "\r\n" as one that is neither.
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var gap = false
        for byte in value.utf8 {
            if byte == space || byte == tab || byte == newline || byte == carriageReturn {
                gap = !out.isEmpty
            } else {
                if gap { out.append(space) }
                gap = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

private let slash = UInt8(ascii: "/"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
private let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

/// The hashing and key derivation of SigV4, over swift-crypto.
public enum SigV4Crypto {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")
    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    public static func stringToSign(amzDate: String, scope: String, canonicalRequestHash: String) -> String {
        "\(algorithm)\n\(amzDate)\n\(scope)\n\(canonicalRequestHash)"
    }

    public static func signature(key: SymmetricKey, stringToSign: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    public static func hex(_ sequence: some Sequence<UInt8>) -> String {
        let bytes = Array(sequence)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for b in bytes {
                out[i] = hexDigits[Int(b >> 4)]
                out[i + 1] = hexDigits[Int(b & 0x0F)]
                i += 2
            }
            return i
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decodes lower- or upper-case hex; nil if malformed.
    static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Compares in time independent of where the first difference is (length is not secret).
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

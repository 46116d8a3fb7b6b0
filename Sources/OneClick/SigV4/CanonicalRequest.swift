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
                  payloadHash: payload.isEmpty ? SigV4Crypto.emptyPayloadHash : SigV4Crypto.sha256Hex(payload))
    }

    public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)], payloadHash: String) {
        self.method = method.uppercased()
        canonicalURI = Self.canonicalURI(rawPath: rawPath)
        canonicalQuery = Self.canonicalQuery(rawQuery: rawQuery)
        // Sorted by name; a name given more than once keeps its values in the order given, joined
        // with ",". A sort of the few signed headers, not a dictionary: this runs on every request.
        var named = headers.enumerated().map { (name: $0.element.name.lowercased(), order: $0.offset, value: $0.element.value) }
        named.sort { $0.name != $1.name ? $0.name < $1.name : $0.order < $1.order }
        var lines = "", names = ""
        var previous: String?
        for header in named {
            if header.name == previous {
                lines.append(",")
            } else {
                if previous != nil {
                    lines.append("\n")
                    names.append(";")
                }
                lines.append(header.name)
                lines.append(":")
                names.append(header.name)
            }
            lines.append(Self.normalizeHeaderValue(header.value))
            previous = header.name
        }
        if previous != nil { lines.append("\n") }
        canonicalHeaders = lines
        signedHeaders = names
        self.payloadHash = payloadHash
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// SHA-256 of `text`.
    public var hash: SHA256Digest { SHA256.hash(data: bytes) }

    /// `text` as UTF-8, written once.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(method.utf8.count + canonicalURI.utf8.count + canonicalQuery.utf8.count
                            + canonicalHeaders.utf8.count + signedHeaders.utf8.count + payloadHash.utf8.count + 5)
        for (n, part) in [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].enumerated() {
            if n > 0 { out.append(newline) }
            out.append(contentsOf: part.utf8)
        }
        return out
    }

    /// The raw path with dot segments and empty segments removed, then percent-encoded once
    /// more (keeping `/`): botocore's double encoding for every service but S3.
    public static func canonicalURI(rawPath: String) -> String {
        AWSPercentEncoding.encode(normalizePath(rawPath), keepSlash: true)
    }

    /// Removes `.`, `..` and empty segments (AWS wants consecutive slashes collapsed), keeping a
    /// leading and, when anything is left, a trailing slash. An empty path is `/`.
    static func normalizePath(_ path: String) -> String {
        if path.isEmpty { return "/" }
        return isNormalized(path) ? path : rebuiltPath(path)
    }

    /// `normalizePath` the long way, segment by segment.
    static func rebuiltPath(_ path: String) -> String {
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

    /// True when `normalizePath` would return the path unchanged: no empty, `.` or `..` segment.
    /// Most paths are, and the check allocates nothing.
    static func isNormalized(_ path: String) -> Bool {
        var length = 0, dots = 0, atStart = true
        for byte in path.utf8 {
            if byte == slash {
                if !atStart && (length == 0 || (length == dots && dots <= 2)) { return false }
                length = 0
                dots = 0
            } else {
                length += 1
                if byte == dot { dots += 1 }
            }
            atStart = false
        }
        return !(length > 0 && length == dots && dots <= 2)
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
        isNormalizedHeaderValue(value) ? value : collapsedWhitespace(value)
    }

    /// `normalizeHeaderValue` the long way, byte by byte.
    static func collapsedWhitespace(_ value: String) -> String {
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

    /// True when `normalizeHeaderValue` would return the value unchanged: no whitespace at either
    /// end, no run of it, and none but single spaces.
    static func isNormalizedHeaderValue(_ value: String) -> Bool {
        var afterSpace = true
        for byte in value.utf8 {
            if byte == tab || byte == newline || byte == carriageReturn { return false }
            if byte == space {
                if afterSpace { return false }
                afterSpace = true
            } else {
                afterSpace = false
            }
        }
        return !afterSpace || value.isEmpty
    }
}

private let slash = UInt8(ascii: "/"), dot = UInt8(ascii: "."), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
private let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

/// The hashing and key derivation of SigV4, over swift-crypto.
public enum SigV4Crypto {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// The payload hash of every GET and DELETE, hashed once.
    static let emptyPayloadHash = sha256Hex([])

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")
    public static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    public static func stringToSign(amzDate: String, scope: String, canonicalRequestHash: SHA256Digest) -> String {
        String(decoding: stringToSignBytes(amzDate: amzDate, scope: scope, canonicalRequestHash: canonicalRequestHash), as: UTF8.self)
    }

    /// The string to sign as UTF-8, the hash written in hex in place.
    static func stringToSignBytes(amzDate: String, scope: String, canonicalRequestHash: SHA256Digest) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(algorithm.utf8.count + amzDate.utf8.count + scope.utf8.count + 3 + 2 * SHA256.byteCount)
        out.append(contentsOf: algorithm.utf8)
        out.append(newline)
        out.append(contentsOf: amzDate.utf8)
        out.append(newline)
        out.append(contentsOf: scope.utf8)
        out.append(newline)
        canonicalRequestHash.withUnsafeBytes { digest in
            for byte in digest {
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
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

    /// Lower-case hex digits, for the signature, the string to sign and `UUID.lowercasedString`.
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

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

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, as its bytes in network order.
struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// The address in its usual text form (dotted quad, or RFC 5952 IPv6 without brackets).
    var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(isIPv4 ? AF_INET : AF_INET6, raw.baseAddress, &text, socklen_t(text.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A host as written in a URL, when it is an address rather than a name: IPv6 with or without
    /// brackets (a zone, `%eth0`, is ignored), and IPv4 in every form the system resolver reads
    /// as one, so `127.1`, `2130706433`, `0x7f.0.0.1` and `0177.0.0.1` all count as 127.0.0.1.
    static func literal(_ host: String) -> IPAddress? {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        if text.contains(":") {
            var v6 = in6_addr()
            guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
            return IPAddress(bytes: withUnsafeBytes(of: &v6) { Array($0) })
        }
        var v4 = in_addr()
        guard !text.isEmpty, inet_aton(text, &v4) != 0 else { return nil }
        return IPAddress(bytes: withUnsafeBytes(of: &v4) { Array($0) })
    }
}

/// Which addresses a click callback may be sent to without the owner of the service allowing
/// private ones: global unicast addresses only.
///
/// Refused: IPv4 loopback, private (RFC 1918), shared CGNAT (100.64.0.0/10), link-local, "this
/// network" (0.0.0.0/8), multicast, reserved and broadcast (240.0.0.0/4), and the blocks for
/// documentation, benchmarking and protocol assignments; IPv6 outside 2000::/3 (so ::, ::1,
/// unique local fc00::/7, link-local fe80::/10, multicast ff00::/8 and the rest), and the
/// documentation, protocol-assignment (Teredo included) and local NAT64 blocks. An IPv6 address
/// that carries an IPv4 one (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) is
/// judged by that IPv4 address.
enum CallbackAddressPolicy {
    /// What kind of non-public address `address` is, or nil for a public one.
    static func refusal(_ address: IPAddress) -> String? {
        let b = address.bytes
        if address.isIPv4 { return ipv4Refusal(b) }
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xff, b[11] == 0xff {
            let v4 = Array(b[12..<16])
            return ipv4Refusal(v4).map { "an IPv4-mapped address of \(IPAddress(bytes: v4)!), \($0)" }
        }
        if b[0..<12] == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            let v4 = Array(b[12..<16])
            return ipv4Refusal(v4).map { "a NAT64 address of \(IPAddress(bytes: v4)!), \($0)" }
        }
        if b[0] == 0x20, b[1] == 0x02 {
            let v4 = Array(b[2..<6])
            return ipv4Refusal(v4).map { "a 6to4 address of \(IPAddress(bytes: v4)!), \($0)" }
        }
        for (prefix, length, what) in ipv6Blocks where matches(b, prefix, length) { return what }
        // Global unicast is 2000::/3; nothing outside it is routed on the internet.
        guard b[0] & 0xe0 == 0x20 else { return "not a global unicast IPv6 address (outside 2000::/3)" }
        return nil
    }

    private static func ipv4Refusal(_ b: [UInt8]) -> String? {
        if b == [255, 255, 255, 255] { return "the broadcast address" }
        if b == [0, 0, 0, 0] { return "the unspecified address" }
        for (prefix, length, what) in ipv4Blocks where matches(b, prefix, length) { return what }
        return nil
    }

    private static let ipv4Blocks: [([UInt8], Int, String)] = [
        ([0, 0, 0, 0], 8, "a \"this network\" address (0.0.0.0/8)"),
        ([10, 0, 0, 0], 8, "a private address (10.0.0.0/8)"),
        ([100, 64, 0, 0], 10, "a shared carrier-grade NAT address (100.64.0.0/10)"),
        ([127, 0, 0, 0], 8, "a loopback address"),
        ([169, 254, 0, 0], 16, "a link-local address (169.254.0.0/16)"),
        ([172, 16, 0, 0], 12, "a private address (172.16.0.0/12)"),
        ([192, 0, 0, 0], 24, "an IETF protocol assignment (192.0.0.0/24)"),
        ([192, 0, 2, 0], 24, "a documentation address (192.0.2.0/24)"),
        ([192, 88, 99, 0], 24, "a 6to4 relay anycast address (192.88.99.0/24)"),
        ([192, 168, 0, 0], 16, "a private address (192.168.0.0/16)"),
        ([198, 18, 0, 0], 15, "a benchmarking address (198.18.0.0/15)"),
        ([198, 51, 100, 0], 24, "a documentation address (198.51.100.0/24)"),
        ([203, 0, 113, 0], 24, "a documentation address (203.0.113.0/24)"),
        ([224, 0, 0, 0], 4, "a multicast address (224.0.0.0/4)"),
        ([240, 0, 0, 0], 4, "a reserved address (240.0.0.0/4)"),
    ]

    private static let ipv6Blocks: [([UInt8], Int, String)] = [
        ([UInt8](repeating: 0, count: 16), 128, "the unspecified address (::)"),
        ([UInt8](repeating: 0, count: 15) + [1], 128, "a loopback address (::1)"),
        ([UInt8](repeating: 0, count: 16), 96, "an IPv4-compatible address (::/96, deprecated)"),
        ([0, 0x64, 0xff, 0x9b, 0, 1], 48, "a local-use NAT64 address (64:ff9b:1::/48)"),
        ([1, 0, 0, 0, 0, 0, 0, 0], 64, "a discard-only address (100::/64)"),
        ([0x20, 0x01, 0x0d, 0xb8], 32, "a documentation address (2001:db8::/32)"),
        ([0x20, 0x01, 0x00, 0x00], 23, "an IETF protocol assignment (2001::/23, Teredo included)"),
        ([0x3f, 0xff, 0x00], 20, "a documentation address (3fff::/20)"),
        ([0xfc], 7, "a unique local address (fc00::/7)"),
        ([0xfe, 0x80], 10, "a link-local address (fe80::/10)"),
        ([0xfe, 0xc0], 10, "a site-local address (fec0::/10, deprecated)"),
        ([0xff], 8, "a multicast address (ff00::/8)"),
    ]

    private static func matches(_ address: [UInt8], _ prefix: [UInt8], _ length: Int) -> Bool {
        var bits = length
        var i = 0
        while bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
            let p = i < prefix.count ? prefix[i] : 0
            if address[i] & mask != p & mask { return false }
            bits -= 8
            i += 1
        }
        return true
    }

    /// The sentence that tells an owner how the service's operator allows private callbacks.
    static let howToAllow = "the service calls only public addresses unless its operator allows private ones (`clickbridge serve --allow-private-callbacks`, or `allowPrivateCallbacks: true` in the configuration of `clickbridge run`)"
}

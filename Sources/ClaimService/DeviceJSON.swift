import OneClick

/// DescribeDevice's and ListDevices' bodies, written directly: Foundation's JSONEncoder spent
/// 79,000 instructions on one DescribeDevice body, more than SQLite. The bytes are exactly the
/// ones `JSONWire.encode` gives (sorted keys, slashes unescaped); `DeviceJSONTests` compares the
/// two on thousands of random devices. Where the encoder would spell a number in exponent form,
/// this writer gives nil and the caller falls back to the encoder.
enum DeviceJSON {
    static func describeDevice(_ response: DescribeDeviceResponse) -> [UInt8]? {
        var out = JSONText()
        out.open()
        if let device = response.deviceDescription {
            out.key("deviceDescription")
            guard out.device(device) else { return nil }
        }
        out.close()
        return out.bytes
    }

    static func listDevices(_ response: ListDevicesResponse) -> [UInt8]? {
        var out = JSONText()
        out.open()
        if let devices = response.devices {
            out.key("devices")
            out.bytes.append(UInt8(ascii: "["))
            for (n, device) in devices.enumerated() {
                if n > 0 { out.bytes.append(UInt8(ascii: ",")) }
                guard out.device(device) else { return nil }
            }
            out.bytes.append(UInt8(ascii: "]"))
        }
        if let next = response.nextToken {
            out.key("nextToken")
            out.string(next)
        }
        out.close()
        return out.bytes
    }
}

/// JSON text being written, with JSONEncoder's spelling of each value.
struct JSONText {
    var bytes: [UInt8] = []
    private var first = [true]

    init() { bytes.reserveCapacity(512) }

    mutating func open() {
        bytes.append(UInt8(ascii: "{"))
        first.append(true)
    }

    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        first.removeLast()
    }

    /// A member's name and colon, after a comma unless it is the object's first.
    mutating func key(_ name: String) {
        if first[first.count - 1] { first[first.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// The members in the order JSONEncoder's `.sortedKeys` gives.
    mutating func device(_ d: DeviceDescription) -> Bool {
        open()
        if let arn = d.arn { key("arn"); string(arn) }
        if let attributes = d.attributes { key("attributes"); map(attributes) }
        if let deviceId = d.deviceId { key("deviceId"); string(deviceId) }
        if let enabled = d.enabled { key("enabled"); bytes.append(contentsOf: (enabled ? "true" : "false").utf8) }
        if let life = d.remainingLife {
            key("remainingLife")
            guard number(life) else { return false }
        }
        if let tags = d.tags { key("tags"); map(tags) }
        if let type = d.type { key("type"); string(type) }
        close()
        return true
    }

    /// Members sorted by their names' UTF-8 bytes, as JSONEncoder sorts them (not by `<`, which
    /// compares normalized text).
    mutating func map(_ members: [String: String]) {
        open()
        for (name, value) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            key(name)
            string(value)
        }
        close()
    }

    /// Quoted, escaping what JSONEncoder escapes: the quote, the backslash and control characters
    /// (with \b \f \n \r \t where JSON has them), nothing else.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // The usual case, nothing to escape, copied whole. A native string's bytes are contiguous,
        // and a loop over them is several times cheaper than one over `String.UTF8View`.
        let copiedWhole = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copiedWhole == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Swift's shortest round-trip spelling without a trailing ".0", as JSONEncoder writes it;
    /// false (nothing written) where that spelling has an exponent or is not a number.
    mutating func number(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        var text = value.description
        if text.utf8.contains(UInt8(ascii: "e")) { return false }
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        return true
    }
}

/// Strict percent-decoding of URI labels and query components. Returns nil for a `%` not followed
/// by two hex digits or for bytes that are not UTF-8, so bad input becomes a 400.
enum PercentDecoding {
    static func decode(_ text: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var it = text.utf8.makeIterator()
        while let b = it.next() {
            if b == UInt8(ascii: "%") {
                guard let h = it.next().flatMap(hex), let l = it.next().flatMap(hex) else { return nil }
                bytes.append(h << 4 | l)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }
}

/// The query string as ordered name/value pairs, decoded. Lists arrive as repeated names
/// (`tagKeys=a&tagKeys=b`).
struct QueryParameters: Sendable {
    var pairs: [(name: String, value: String)] = []

    init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    static func parse(_ raw: String?) throws(ServiceError) -> QueryParameters {
        guard let raw, !raw.isEmpty else { return QueryParameters(pairs: []) }
        var pairs: [(String, String)] = []
        for item in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let nv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(nv[0]),
                  let value = PercentDecoding.decode(nv.count > 1 ? nv[1] : "")
            else { throw .invalidRequest("the query string has an invalid percent-encoding in '\(item)'") }
            pairs.append((name, value))
        }
        return QueryParameters(pairs: pairs)
    }

    func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}

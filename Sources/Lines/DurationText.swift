import Presses

/// A duration written for people: `20ms`, `1.5s`, `400ms`, `250us`, `0`.
///
/// Parsed as exact decimals (no Double), so `1.5s` is exactly 1_500_000_000 ns. Units: `ns`,
/// `us` (or `µs`), `ms`, `s`, `m` (minutes). A bare number is accepted only for zero, because a
/// unit-less `20` is ambiguous. Shared by the command line, config files and trace headers.
public struct DurationTextError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "'\(text)' is not a duration; expected a number and a unit, like 20ms, 1.5s, 400ms or 250us"
    }
}

extension Span {
    /// Parses `20ms`, `1.5s`, `250us`, `2m`, `0`. Throws `DurationTextError` otherwise.
    public init(parsing text: some StringProtocol) throws(DurationTextError) {
        guard let ns = DurationText.nanoseconds(Array(text.utf8)[...]) else {
            throw DurationTextError(text: String(text))
        }
        self.init(nanoseconds: ns)
    }

    /// The shortest exact spelling, e.g. `20ms`, `1.5s`, `0`; it parses back to the same span.
    public var text: String { DurationText.format(nanoseconds) }
}

enum DurationText {
    static func nanoseconds(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        var whole: Int64 = 0
        var digits = 0
        while i < end, bytes[i] >= 48, bytes[i] <= 57 {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 48))
            if o1 || o2 { return nil }
            whole = a
            digits += 1
            i += 1
        }
        var frac: Int64 = 0
        var fracDigits = 0
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] >= 48, bytes[i] <= 57 {
                if fracDigits >= 18 { return nil }
                frac = frac * 10 + Int64(bytes[i] - 48)
                fracDigits += 1
                i += 1
            }
            if fracDigits == 0 { return nil }
        }
        if digits == 0 && fracDigits == 0 { return nil }
        let unit = String(decoding: bytes[i..<end], as: UTF8.self)
        let scale: Int64
        switch unit {
        case "ns": scale = 1
        case "us", "µs": scale = 1_000
        case "ms": scale = 1_000_000
        case "s": scale = 1_000_000_000
        case "m", "min": scale = 60_000_000_000
        case "": if whole == 0 && frac == 0 { return 0 } else { return nil }
        default: return nil
        }
        let (w, o) = whole.multipliedReportingOverflow(by: scale)
        if o { return nil }
        // Fraction: frac / 10^fracDigits * scale, which must come out whole in nanoseconds.
        var pow: Int64 = 1
        for _ in 0..<fracDigits { pow *= 10 }
        let (fs, o3) = frac.multipliedReportingOverflow(by: scale)
        if o3 || fs % pow != 0 { return nil }
        let (total, o4) = w.addingReportingOverflow(fs / pow)
        return o4 ? nil : total
    }

    static func format(_ ns: Int64) -> String {
        if ns == 0 { return "0" }
        let units: [(Int64, String)] = [(1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us"), (1, "ns")]
        for (scale, name) in units where ns.magnitude >= UInt64(scale) || scale == 1 {
            if ns % scale == 0 { return "\(ns / scale)\(name)" }
            // Decimal with the fewest digits that stays exact.
            let whole = ns / scale
            var frac = String((ns % scale).magnitude)
            let width = String(scale).count - 1
            frac = String(repeating: "0", count: width - frac.count) + frac
            while frac.hasSuffix("0") { frac.removeLast() }
            return "\(whole).\(frac)\(name)"
        }
        return "\(ns)ns"
    }
}

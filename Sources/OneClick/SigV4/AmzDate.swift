import Foundation

/// The SigV4 timestamp, `yyyyMMdd'T'HHmmss'Z'` in UTC, and its day, `yyyyMMdd`.
/// Formatted and parsed by hand: no locale, no DateFormatter, whole seconds.
public struct AmzDate: Sendable, Hashable {
    /// Seconds since the Unix epoch, truncated to whole seconds as the header carries them.
    public let secondsSince1970: Int64

    public init(_ date: Date) {
        secondsSince1970 = Int64(date.timeIntervalSince1970.rounded(.down))
    }

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// Parses `20150830T123600Z`; nil for anything else.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = WireTimestamp.daysFromCivil(year: year, month: month, day: day)
        secondsSince1970 = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    /// `20150830T123600Z`
    public var timestamp: String { formatted(withTime: true) }

    /// `20150830`, the date of the credential scope.
    public var day: String { formatted(withTime: false) }

    // Written digit by digit: the verifier compares the day on every request, and building it
    // from padded pieces cost 5,000 instructions.
    private func formatted(withTime: Bool) -> String {
        let (days, secs) = secondsSince1970.floorDivided(by: 86_400)
        let (y, m, d) = WireTimestamp.civilFromDays(days)
        let s = Int(secs)
        guard (0...9999).contains(y) else {
            let day = pad(y, 4) + pad(m, 2) + pad(d, 2)
            return withTime ? day + "T" + pad(s / 3600, 2) + pad(s / 60 % 60, 2) + pad(s % 60, 2) + "Z" : day
        }
        return String(unsafeUninitializedCapacity: withTime ? 16 : 8) { out in
            var i = 0
            func put(_ value: Int, width: Int) {
                var value = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                i += width
            }
            put(y, width: 4)
            put(m, width: 2)
            put(d, width: 2)
            if withTime {
                out[i] = UInt8(ascii: "T")
                i += 1
                put(s / 3600, width: 2)
                put(s / 60 % 60, width: 2)
                put(s % 60, width: 2)
                out[i] = UInt8(ascii: "Z")
                i += 1
            }
            return i
        }
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before 1970 format correctly.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = self / divisor
        var r = self % divisor
        if r < 0 { q -= 1; r += divisor }
        return (q, r)
    }
}

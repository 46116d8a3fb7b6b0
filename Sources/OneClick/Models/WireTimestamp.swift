#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ISO-8601 timestamps as the wire carries them, held as microseconds since the Unix epoch (UTC).
///
/// Parsing accepts what botocore sends (`2018-01-01T00:00:00Z`, `2018-01-01T12:00:00.123000Z`)
/// and, leniently, 1–9 fraction digits, a lowercase `t`/`z`, and numeric offsets (`+02:00`,
/// `-0530`). Formatting always gives UTC with milliseconds (`2019-07-18T23:47:55.015Z`), the form
/// `reportedTime` uses. Hand-written so it has no locale or Foundation formatter behaviour.
public struct WireTimestamp: Sendable, Hashable, Comparable {
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public init(millisecondsSinceEpoch ms: Int64) { self.microseconds = ms * 1000 }

    public init(secondsSinceEpoch s: Double) { self.microseconds = Int64((s * 1_000_000).rounded()) }

    public var millisecondsSinceEpoch: Int64 { Self.floorDiv(microseconds, 1000) }
    public var secondsSinceEpoch: Double { Double(microseconds) / 1_000_000 }

    public static func < (a: Self, b: Self) -> Bool { a.microseconds < b.microseconds }

    /// The wall clock (CLOCK_REALTIME) now: where the service and the bridge read it.
    public static func now() -> WireTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return WireTimestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    /// Returns nil for anything that is not a valid date and time.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= u.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = u[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ ch: UInt8) -> Bool {
            guard i < u.count, u[i] == ch else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2)
        else { return nil }
        guard i < u.count, u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") else { return nil }
        i += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2)
        else { return nil }
        var micros = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var n = 0
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                if n < 6 { micros = micros * 10 + Int(u[i] - 48) }
                n += 1
                i += 1
            }
            guard n >= 1, n <= 9 else { return nil }
            for _ in min(n, 6)..<6 { micros *= 10 }
        }
        var offsetSeconds = 0
        guard i < u.count else { return nil }
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            i += 1
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = expect(UInt8(ascii: ":"))
            guard let om = digits(2), oh <= 23, om <= 59 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        self.microseconds = seconds * 1_000_000 + Int64(micros)
    }

    /// UTC with milliseconds: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var formatted: String {
        let ms = millisecondsSinceEpoch
        let secs = Self.floorDiv(ms, 1000)
        let milli = Int(ms - secs * 1000)
        let days = Self.floorDiv(secs, 86_400)
        let sod = Int(secs - days * 86_400)
        let (y, m, d) = Self.civilFromDays(days)
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2)).\(pad(milli, 3))Z"
    }

    package static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the "days from civil" algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

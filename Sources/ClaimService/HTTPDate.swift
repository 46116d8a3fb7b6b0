import OneClick
import Synchronization

/// The `Date` response header (RFC 9110 IMF-fixdate), computed when a response is sent and cached
/// for the rest of that second. Hummingbird's Application refreshes it from a 1 Hz timer instead,
/// which wakes an idle process every second; this service must use no CPU while idle.
final class HTTPDate: Sendable {
    private let cache = Mutex<(second: Int64, text: String)>((-1, ""))

    func header(nowMicros: Int64) -> String {
        let second = WireTimestamp.floorDiv(nowMicros, 1_000_000)
        return cache.withLock { cached in
            if cached.second == second { return cached.text }
            let text = Self.format(second: second)
            cached = (second, text)
            return text
        }
    }

    static func format(second: Int64) -> String {
        let days = WireTimestamp.floorDiv(second, 86_400)
        let sod = Int(second - days * 86_400)
        let (y, m, d) = WireTimestamp.civilFromDays(days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 11) % 7)
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(names[weekday]), \(two(d)) \(months[m - 1]) \(y) \(two(sod / 3600)):\(two(sod / 60 % 60)):\(two(sod % 60)) GMT"
    }
}

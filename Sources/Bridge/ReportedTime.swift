import Glibc
import Presses

/// The wall-clock time of a decision, for an event's `reportedTime`.
///
/// Decisions are made on the monotonic clock. The wall-clock time is derived as
/// realtime-now minus (monotonic-now minus the decision's monotonic time), so however long the
/// event waited before it was stamped, it carries the instant of the decision.
public enum ReportedTime {
    /// Pure: all three clock readings are given. Realtime is nanoseconds since the Unix epoch.
    public static func derive(decidedAt: Timestamp, monotonicNow: Timestamp, realtimeNow: Int64) -> String {
        let age = monotonicNow.nanoseconds - decidedAt.nanoseconds
        return iso8601(unixNanoseconds: realtimeNow - max(0, age))
    }

    /// Reads both clocks now.
    public static func derive(decidedAt: Timestamp) -> String {
        let (mono, real) = (Clocks.monotonicNow(), Clocks.realtimeNow())
        return derive(decidedAt: decidedAt, monotonicNow: mono, realtimeNow: real)
    }

    /// `2026-11-22T00:31:05.123Z`: UTC with milliseconds, the form the service and AWS CLI print.
    public static func iso8601(unixNanoseconds ns: Int64) -> String {
        let ms = ns >= 0 ? ns / 1_000_000 : (ns - 999_999) / 1_000_000  // floor, also before 1970
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let millis = Int(ms - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}

/// The two clocks the bridge reads: CLOCK_MONOTONIC (kernel edge timestamps and detector
/// deadlines share it) and CLOCK_REALTIME.
public enum Clocks {
    public static func monotonicNow() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    public static func realtimeNow() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

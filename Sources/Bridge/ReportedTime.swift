import Lines
import OneClick
import Presses

/// The wall-clock time of a decision, for an event's `reportedTime`.
///
/// Decisions are made on the monotonic clock. The wall-clock time is derived as
/// realtime-now minus (monotonic-now minus the decision's monotonic time), so however long the
/// event waited before it was stamped, it carries the instant of the decision.
public enum ReportedTime {
    /// Pure: all three clock readings are given.
    public static func derive(decidedAt: Timestamp, monotonicNow: Timestamp, realtimeNow: WireTimestamp) -> String {
        let age = max(0, monotonicNow.nanoseconds - decidedAt.nanoseconds)
        // In nanoseconds, then floored: the same instant whichever unit the age has.
        let nanoseconds = realtimeNow.microseconds * 1000 - age
        return WireTimestamp(microseconds: WireTimestamp.floorDiv(nanoseconds, 1000)).formatted
    }

    /// Reads both clocks now.
    public static func derive(decidedAt: Timestamp) -> String {
        let (mono, real) = (MonotonicClock.now(), WireTimestamp.now())
        return derive(decidedAt: decidedAt, monotonicNow: mono, realtimeNow: real)
    }
}

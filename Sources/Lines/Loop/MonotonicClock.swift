import Glibc
import Presses

/// CLOCK_MONOTONIC, the clock of kernel edge timestamps (GPIO events, evdev after EVIOCSCLOCKID)
/// and of the loop's timerfd.
public enum MonotonicClock {
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}

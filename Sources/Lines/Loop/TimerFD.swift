import CLinux
import Glibc
import Presses

/// An owned, non-blocking timerfd on CLOCK_MONOTONIC, armed at absolute instants. It wakes an
/// epoll exactly when a deadline comes: no periodic tick.
public final class TimerFD {
    public let fd: Int32
    public private(set) var armedAt: Timestamp?

    public init() throws(LineError) {
        fd = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_CLOEXEC | TFD_NONBLOCK))
        guard fd >= 0 else { throw LineError("timerfd_create failed: \(SystemError.text(errno))") }
    }

    deinit { Glibc.close(fd) }

    /// Arms the timer at `instant` on the monotonic clock, or disarms it for nil. An instant in the
    /// past fires at once.
    public func arm(at instant: Timestamp?) {
        guard instant != armedAt else { return }
        armedAt = instant
        var spec = itimerspec()
        if let instant {
            // it_value 0 would disarm; the earliest meaningful instant is 1 ns.
            let ns = max(instant.nanoseconds, 1)
            spec.it_value.tv_sec = Int(ns / 1_000_000_000)
            spec.it_value.tv_nsec = Int(ns % 1_000_000_000)
        }
        _ = timerfd_settime(fd, Int32(TFD_TIMER_ABSTIME), &spec, nil)
    }

    /// Arms the timer to fire every `period`, first one period from now (a heartbeat, not a
    /// deadline). `arm(at:)` afterwards replaces it.
    public func arm(every period: Duration) {
        armedAt = nil
        var spec = itimerspec()
        let ns = max(period.components.seconds * 1_000_000_000 + period.components.attoseconds / 1_000_000_000, 1)
        spec.it_interval.tv_sec = Int(ns / 1_000_000_000)
        spec.it_interval.tv_nsec = Int(ns % 1_000_000_000)
        spec.it_value = spec.it_interval
        _ = timerfd_settime(fd, 0, &spec, nil)
    }

    /// How many periods passed since the last call (0 when none did); clears the readable state.
    public func takeExpirations() -> UInt64 {
        var expirations: UInt64 = 0
        return read(fd, &expirations, 8) == 8 ? expirations : 0
    }

    /// Clears the readable state after it fired. The timer is then disarmed (it has no interval).
    public func acknowledge() {
        var expirations: UInt64 = 0
        if read(fd, &expirations, 8) == 8 { armedAt = nil }
    }
}

import CLinux
import Glibc

/// An owned, non-blocking eventfd: another thread's way to wake the loop.
final class EventFD {
    let fd: Int32

    init() throws(LineError) {
        fd = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard fd >= 0 else { throw LineError("eventfd failed: \(SystemError.text(errno))") }
    }

    deinit { Glibc.close(fd) }

    /// Safe from any thread: one write(2) on a descriptor that lives as long as this object.
    func signal() {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    /// True if it was signalled; clears it.
    func consume() -> Bool {
        var value: UInt64 = 0
        return read(fd, &value, 8) == 8
    }
}

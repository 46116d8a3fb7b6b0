import CLinux
import Glibc

/// An owned epoll instance: level-triggered readability of a set of descriptors, keyed by fd.
final class Epoll {
    let fd: Int32
    private var ready: [epoll_event]

    init(capacity: Int = 32) throws(LineError) {
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw LineError("epoll_create1 failed: \(SystemError.text(errno))") }
        ready = Array(repeating: epoll_event(), count: capacity)
    }

    deinit { Glibc.close(fd) }

    func add(_ watched: Int32) throws(LineError) {
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.fd = watched
        if epoll_ctl(fd, EPOLL_CTL_ADD, watched, &ev) != 0, errno != EEXIST || epoll_ctl(fd, EPOLL_CTL_MOD, watched, &ev) != 0 {
            throw LineError("cannot watch descriptor \(watched): \(SystemError.text(errno))")
        }
    }

    /// Forgets `watched`; a descriptor that was already closed is forgotten by the kernel anyway.
    func remove(_ watched: Int32) {
        var ev = epoll_event()
        _ = epoll_ctl(fd, EPOLL_CTL_DEL, watched, &ev)
    }

    /// Blocks until at least one descriptor is readable (or a signal interrupts), and returns them.
    func wait() -> [Int32] {
        let n = ready.withUnsafeMutableBufferPointer { buf in
            epoll_wait(fd, buf.baseAddress, Int32(buf.count), -1)
        }
        guard n > 0 else { return [] }  // EINTR: the caller loops
        return (0..<Int(n)).map { ready[$0].data.fd }
    }
}

enum SystemError {
    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}

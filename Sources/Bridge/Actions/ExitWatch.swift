import Foundation
import Glibc

/// A descriptor that becomes readable when a child exits, so one poll() waits for output, exit
/// and the timeout together, without a timer loop.
///
/// It is a pidfd (Linux 5.3, glibc 2.36). Where either is older, a thread blocked in waitpid()
/// writes to a pipe instead.
final class ExitWatch {
    let fd: Int32
    private let pid: pid_t
    private let fallback: FallbackWaiter?

    init(pid: pid_t) {
        self.pid = pid
        if let open = Self.pidfdOpen, case let fd = open(pid, 0), fd >= 0 {
            self.fd = fd
            fallback = nil
        } else {
            let waiter = FallbackWaiter(pid: pid)
            self.fd = waiter.readFD
            fallback = waiter
        }
    }

    /// Reaps the child once `fd` is readable; returns its wait status.
    func reap() -> Int32 {
        if let fallback { return fallback.status() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    deinit {
        if fallback == nil { close(fd) }
    }

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    /// Looked up at run time: the Glibc module does not export <sys/pidfd.h>.
    private static let pidfdOpen: PidfdOpen? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pidfd_open") else { return nil }
        return unsafeBitCast(sym, to: PidfdOpen.self)
    }()
}

/// The waitpid() thread of `ExitWatch` where pidfd is unavailable.
private final class FallbackWaiter: @unchecked Sendable {
    // Written once by the waiter thread before it writes the pipe; read after the pipe is
    // readable, so the pipe orders the two accesses.
    private var waitStatus: Int32 = 0
    let readFD: Int32
    private let writeFD: Int32

    init(pid: pid_t) {
        var fds: [Int32] = [-1, -1]
        _ = ChildProcess.makePipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            waitStatus = status
            var one: UInt8 = 1
            _ = write(writeFD, &one, 1)
        }
        thread.start()
    }

    func status() -> Int32 { waitStatus }

    deinit {
        close(readFD)
        close(writeFD)
    }
}

import Foundation
import Glibc

/// The `sd_notify` protocol without libsystemd: one datagram per state change to the unix socket
/// named by `$NOTIFY_SOCKET` (a leading '@' names an abstract socket). Outside systemd, where the
/// variable is unset, every call does nothing.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?
    /// Half of `$WATCHDOG_USEC`, as systemd recommends; nil when the unit has no `WatchdogSec`, or
    /// when `$WATCHDOG_PID` names another process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        if path != nil, let usec = environment["WATCHDOG_USEC"].flatMap({ UInt64($0) }), usec > 0,
           environment["WATCHDOG_PID"].flatMap({ Int32($0) }).map({ $0 == pid }) ?? true {
            watchdogInterval = .microseconds(Int64(usec / 2))
        } else {
            watchdogInterval = nil
        }
    }

    public var isEnabled: Bool { socketPath != nil }

    public func ready() { notify("READY=1") }
    public func stopping() { notify("STOPPING=1") }
    /// Sent by `WatchdogHeartbeat`, from the button loop, every `watchdogInterval`.
    public func watchdog() { notify("WATCHDOG=1") }
    public func status(_ text: String) { notify("STATUS=\(text)") }

    /// Sends one message; false when there is no socket or it could not be sent (systemd treats a
    /// missing notification as the failure, so there is nothing better to do than report it).
    @discardableResult
    public func notify(_ message: String) -> Bool {
        guard let socketPath, let address = SystemdNotifier.address(socketPath) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var (storage, length) = address
        let sent = message.utf8CString.withUnsafeBufferPointer { bytes in
            withUnsafePointer(to: &storage) { sa in
                sa.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    // Never blocks: watchdog pings come from the button loop, and a reader that stopped
                    // reading must not stall it (a full queue drops the message instead).
                    sendto(fd, bytes.baseAddress, bytes.count - 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT), $0, length)
                }
            }
        }
        return sent == message.utf8.count
    }

    /// The `sockaddr_un` for a path, or for an abstract name when it starts with '@'.
    static func address(_ path: String) -> (sockaddr_un, socklen_t)? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        // A filesystem path needs room for its terminating NUL; an abstract name is not terminated.
        guard !bytes.isEmpty, bytes.count <= capacity - (abstract ? 0 : 1) else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let base = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        let length = base + bytes.count + (abstract ? 0 : 1)
        return (addr, socklen_t(length))
    }
}

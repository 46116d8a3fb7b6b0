import Glibc

/// A TCP socket bound to 127.0.0.1 on a port the kernel picked. The owner closes `fd`.
public struct LoopbackSocket: Sendable {
    public let fd: Int32
    public let port: Int

    /// With `backlog`, the socket also listens.
    public init(listening backlog: Int32? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketError(step: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let failed: String? = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { a in
                if bind(fd, a, length) != 0 { return "bind" }
                if let backlog, listen(fd, backlog) != 0 { return "listen" }
                if getsockname(fd, a, &length) != 0 { return "getsockname" }
                return nil
            }
        }
        if let failed {
            let error = LoopbackSocketError(step: failed, errno: errno)
            close(fd)
            throw error
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct LoopbackSocketError: Error, CustomStringConvertible {
    public var step: String
    public var errno: Int32
    public var description: String { "\(step) on 127.0.0.1 failed: \(String(cString: strerror(errno)))" }
}

/// A loopback port that was free a moment ago (bound to port 0, read, released). Nothing listens
/// on it, so a connection there is refused at once, and a daemon, `claim` and `status` can all be
/// given it as a fixed address.
public func freePort() throws -> Int {
    let socket = try LoopbackSocket()
    close(socket.fd)
    return socket.port
}

/// Whether something accepts TCP connections on `port` of 127.0.0.1 now: how a test or a
/// benchmark knows that a server it started is listening.
public func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

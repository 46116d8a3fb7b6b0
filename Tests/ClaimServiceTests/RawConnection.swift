import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to a loopback port driven byte by byte, for the tests of slow clients: what
/// an HTTP client library would never do (send half a head, stop mid-body, say nothing at all).
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`. With `wait` false the connect is only started (non-blocking),
    /// so a server that no longer accepts cannot stall the caller.
    init(port: Int, wait: Bool = true, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawConnectionError("socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        if !wait { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0, !(errno == EINPROGRESS && !wait) {
            let why = String(cString: strerror(errno))
            close(fd)
            throw RawConnectionError("connect to port \(port): \(why)")
        }
    }

    deinit { close(fd) }

    /// Sends what fits without blocking; false once the peer has closed or reset the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
        return sent >= 0 || errno == EAGAIN || errno == EINPROGRESS
    }

    /// Whether the peer has closed (or reset) the connection by now: readable with nothing to read.
    var isClosedByPeer: Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) == 1 else { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// Waits until the peer closes the connection; false if it is still open after `limit` (a
    /// failure deadline, not a latency bound).
    func waitUntilClosed(limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if isClosedByPeer { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return isClosedByPeer
    }

    /// Reads one HTTP/1.1 response (head and Content-Length body); nil if the connection closes
    /// first or nothing complete arrives within `limit`.
    func readResponse(limit: Duration = .seconds(30)) async -> (status: Int, head: String, body: String)? {
        var data: [UInt8] = []
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) == 1 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
                if n == 0 { return nil }
                if n > 0 { data += chunk[0..<n] }
                if n < 0, errno != EAGAIN { return nil }
                if let parsed = Self.parse(data) { return parsed }
            } else {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return nil
    }

    private static func parse(_ data: [UInt8]) -> (status: Int, head: String, body: String)? {
        let text = String(decoding: data, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<end.lowerBound])
        let length = head.split(separator: "\r\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let body = Array(text[end.upperBound...].utf8)
        guard body.count >= length else { return nil }
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, head, String(decoding: body.prefix(length), as: UTF8.self))
    }
}

struct RawConnectionError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

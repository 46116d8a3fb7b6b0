import Foundation
import Synchronization
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A small real HTTP/1.1 server on 127.0.0.1 for client tests that need answers no real service
/// gives on demand (a 503, a canned error body) or the exact bytes a request had on the wire.
/// One thread, one connection at a time, `Connection: close` on every answer.
final class LoopbackHTTPServer: Sendable {
    struct Request: Sendable {
        let method: String
        /// Path and query exactly as sent.
        let target: String
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
        var query: String {
            let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count > 1 ? String(parts[1]) : ""
        }

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""
    }

    let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let captured = Mutex<[Request]>([])

    var requests: [Request] { captured.withLock { $0 } }

    init(handler: @escaping @Sendable (Request) -> Response) throws {
        let socket = try LoopbackSocket(listening: 16)
        port = socket.port
        listener = socket.fd
        self.handler = handler
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    /// Closes the listening socket; the serving thread ends at its next accept.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            if let request = readRequest(connection) {
                captured.withLock { $0.append(request) }
                let response = handler(request)
                var text = "HTTP/1.1 \(response.status) Status\r\nConnection: close\r\nContent-Length: \(response.body.utf8.count)\r\n"
                for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
                text += "\r\n" + response.body
                let bytes = Array(text.utf8)
                var sent = 0
                while sent < bytes.count {
                    let n = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { break }
                    sent += n
                }
            }
            close(connection)
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { return nil }
            data += buffer[0..<n]
            headerEnd = Self.find([13, 10, 13, 10], in: data)
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        var body = Array(data[(headerEnd! + 4)...])
        while body.count < length {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { return nil }
            body += buffer[0..<n]
        }
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

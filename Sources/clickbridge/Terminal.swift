import Glibc

/// Unbuffered line output: live lines must reach a pipe as they happen, not when a buffer fills.
enum Terminal {
    static func out(_ line: String) { put(1, line) }
    static func err(_ line: String) { put(2, line) }

    static func fail(_ command: String, _ message: String) -> Never {
        err("clickbridge \(command): \(message)")
        exit(1)
    }

    /// Lines gathered and written in large blocks, for output that comes all at once (replay).
    struct Buffered {
        let fd: Int32
        private var bytes: [UInt8] = []

        init(fd: Int32) { self.fd = fd }

        mutating func line(_ line: String) {
            bytes.append(contentsOf: line.utf8)
            bytes.append(10)
            if bytes.count >= 1 << 16 { flush() }
        }

        mutating func flush() {
            Terminal.write(fd, bytes)
            bytes.removeAll(keepingCapacity: true)
        }
    }

    private static func put(_ fd: Int32, _ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(10)
        write(fd, bytes)
    }

    /// Writes everything, retrying short writes; a closed pipe ends the output, not the program.
    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; return }
            done += n
        }
    }
}

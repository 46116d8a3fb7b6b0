#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to read a trace file.
public struct TraceReadOptions: Sendable, Hashable {
    /// nil detects the format from the content.
    public var format: TraceFormat?
    /// Overrides the trace's polarity: true makes a low level (a falling edge) a press, false a
    /// high one. nil keeps what the trace says: its `polarity` line, else active-high (gpiomon
    /// levels as the tool printed them). evemu key values need none: 1 is always a press.
    public var activeLow: Bool?
    /// evemu: only these key codes become buttons; empty means every key.
    public var keys: [UInt16]

    public init(format: TraceFormat? = nil, activeLow: Bool? = nil, keys: [UInt16] = []) {
        self.format = format
        self.activeLow = activeLow
        self.keys = keys
    }
}

/// Reads traces in any supported format.
public enum TraceReader {
    public static func read(_ buffer: UnsafeBufferPointer<UInt8>, options: TraceReadOptions = .init()) throws(TraceError) -> Trace {
        let format: TraceFormat
        if let f = options.format { format = f } else { format = try detectFormat(buffer) }
        if buffer.isEmpty {
            throw TraceError(line: 1, "the file is empty; expected a \(format) trace")
        }
        switch format {
        case .native: return try NativeTraceReader.read(buffer, activeLow: options.activeLow)
        case .gpiomon: return try GpiomonImporter.read(buffer, activeLow: options.activeLow)
        case .evemu: return try EvemuImporter.read(buffer, keys: options.keys)
        }
    }

    public static func read(_ bytes: [UInt8], options: TraceReadOptions = .init()) throws(TraceError) -> Trace {
        let r: Result<Trace, TraceError> = bytes.withUnsafeBufferPointer { b in
            do throws(TraceError) { return .success(try read(b, options: options)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    public static func read(text: String, options: TraceReadOptions = .init()) throws(TraceError) -> Trace {
        try read(Array(text.utf8), options: options)
    }

    /// Reads a file; a file that cannot be opened or read is reported as `TraceFileError.io`.
    public static func read(contentsOf path: String, options: TraceReadOptions = .init()) throws(TraceFileError) -> Trace {
        let bytes: [UInt8]
        do { bytes = try readFile(path) } catch { throw .io(error) }
        do { return try read(bytes, options: options) } catch { throw .parse(error) }
    }

    /// Which format a trace is in, from its first meaningful lines.
    public static func detectFormat(_ buffer: UnsafeBufferPointer<UInt8>) throws(TraceError) -> TraceFormat {
        var lines = ByteLines(buffer)
        var firstUnknown: LineScanner?
        var sawAny = false
        while var s = lines.next() {
            s.skipBlanks()
            if s.atEnd { continue }
            if s.take("# EVEMU") { return .evemu }
            if s.peek == 35 { continue }
            sawAny = true
            if s.take("clickbridge-trace") { return .native }
            if s.take("event:") { return .gpiomon }
            if s.take("E:") || s.take("N:") || s.take("I:") { return .evemu }
            if s.peek &- 48 < 10 {
                // gpiomon 2.x: a time, blanks, then rising or falling.
                var t = s
                _ = t.token()
                t.skipBlanks()
                if t.take("rising") || t.take("falling") { return .gpiomon }
            }
            if firstUnknown == nil { firstUnknown = s }
            break
        }
        guard sawAny else {
            throw TraceError(line: 1, "the file is empty (or only comments); expected a trace (native 'clickbridge-trace 1', gpiomon output or evemu-record output)")
        }
        let s = firstUnknown ?? LineScanner(base: UnsafePointer(bitPattern: 1)!, index: 0, end: 0, line: 1)
        throw s.fail("unknown trace format: expected 'clickbridge-trace 1' (native), gpiomon output ('event: … EDGE …' or 'SECONDS<TAB>rising|falling<TAB>LINE') or evemu-record output ('# EVEMU', 'E: …')\(s.found); choose one with --format")
    }

    static func readFile(_ path: String) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { throw FileReadError(path: path, errno: EISDIR) }
        var out: [UInt8] = []
        out.reserveCapacity(max(4096, Int(st.st_size) + 1))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

/// A trace file that could not be used: unreadable, or not a valid trace.
public enum TraceFileError: Error, Sendable, CustomStringConvertible {
    case io(FileReadError)
    case parse(TraceError)
    /// The trace is valid, but the options asked of it do not apply to it.
    case options(String)

    public var description: String {
        switch self {
        case .io(let e): return e.description
        case .parse(let e): return e.description
        case .options(let reason): return reason
        }
    }

    /// The one-line form for stderr: `FILE: reason` or `FILE:LINE: reason`.
    public func described(file: String) -> String {
        switch self {
        case .io(let e): return e.description
        case .parse(let e): return e.described(file: file)
        case .options(let reason): return "\(file): \(reason)"
        }
    }
}

public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String {
        let reason = String(cString: strerror(errno))
        switch errno {
        case ENOENT: return "\(path): \(reason); check the path"
        case EACCES: return "\(path): \(reason); check the file's permissions"
        default: return "\(path): \(reason)"
        }
    }
}

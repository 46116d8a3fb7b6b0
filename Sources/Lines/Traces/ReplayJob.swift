import Presses

/// `clickbridge replay` as a library call: read a trace file, classify it, write one line per
/// press. The command line only parses flags into this.
public struct ReplayJob: Sendable {
    public var path: String
    public var read: TraceReadOptions
    /// Overrides of the trace's own timing (or of the defaults); nil keeps it.
    public var debounce: Span?
    public var long: Span?
    public var doubleWindow: Span?
    /// One JSON object per press per line, instead of readable lines.
    public var json: Bool

    public init(path: String, read: TraceReadOptions = .init(), debounce: Span? = nil, long: Span? = nil,
                doubleWindow: Span? = nil, json: Bool = false) {
        self.path = path
        self.read = read
        self.debounce = debounce
        self.long = long
        self.doubleWindow = doubleWindow
        self.json = json
    }

    /// The timing for a trace: its own `timing` line (or the defaults) with these overrides.
    public func timing(for trace: Trace) -> PressTiming {
        var t = trace.timing ?? .default
        if let debounce { t.debounce = debounce }
        if let long { t.long = long }
        if let doubleWindow { t.doubleWindow = doubleWindow }
        return t
    }

    /// Reads, replays, and hands each output line (without newline) to `write`, in decision
    /// order. Returns the number of presses.
    @discardableResult
    public func run(write: (String) -> Void) throws(TraceFileError) -> Int {
        let trace = try TraceReader.read(contentsOf: path, options: read)
        var count = 0
        let digits = trace.timestampDigits
        let json = self.json
        TraceReplay.replay(trace, timing: timing(for: trace)) { press in
            count += 1
            write(json ? TracePressText.json(press, digits: digits) : TracePressText.line(press, digits: digits))
        }
        return count
    }

    /// Parses a `--format` value: `auto` (nil), `native`, `gpiomon` or `evemu`.
    public static func format(_ text: String) throws(ReplayArgumentError) -> TraceFormat? {
        if text == "auto" { return nil }
        guard let f = TraceFormat(rawValue: text) else {
            throw ReplayArgumentError("--format must be auto, native, gpiomon or evemu, not '\(text)'")
        }
        return f
    }

    /// Parses a timing flag's value (`--debounce 20ms`): a duration from 0 to 24h.
    public static func duration(_ text: String, flag: String) throws(ReplayArgumentError) -> Span {
        let span: Span
        do { span = try Span(parsing: text) } catch { throw ReplayArgumentError("\(flag): \(error.description)") }
        guard span <= TraceLimits.maxDuration else { throw ReplayArgumentError("\(flag) must be at most 24h, not \(text)") }
        return span
    }
}

public struct ReplayArgumentError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

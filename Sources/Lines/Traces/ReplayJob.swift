import Presses

/// `clickbridge replay` as a library call: read a trace file, classify it, write one line per
/// press. The command line only parses flags into this.
public struct ReplayJob: Sendable {
    public var path: String
    public var read: TraceReadOptions
    /// Overrides of the trace's own timing (or of the defaults).
    public var overrides: TimingOverrides
    /// One JSON object per press per line, instead of readable lines.
    public var json: Bool

    public init(path: String, read: TraceReadOptions = .init(), overrides: TimingOverrides = .init(), json: Bool = false) {
        self.path = path
        self.read = read
        self.overrides = overrides
        self.json = json
    }

    public init(path: String, read: TraceReadOptions = .init(), debounce: Span? = nil, long: Span? = nil,
                doubleWindow: Span? = nil, json: Bool = false) {
        self.init(path: path, read: read, overrides: TimingOverrides(debounce: debounce, long: long, doubleWindow: doubleWindow), json: json)
    }

    /// The timing for a trace: its own `timing` line (or the defaults) with these overrides.
    public func timing(for trace: Trace) -> PressTiming {
        overrides.applied(to: trace.timing)
    }

    /// Reads, replays, and hands each output line (without newline) to `write`, in decision
    /// order; `note` gets what is said about the run (stderr): that the trace has no presses,
    /// each way the presses differ from the trace's `expect` lines, or why they were not
    /// compared. Expectations are compared when `check` is on and no override changes the
    /// trace's own polarity or timing, since they were written for those.
    @discardableResult
    public func run(check: Bool = true, write: (String) -> Void, note: (String) -> Void = { _ in }) throws(TraceFileError) -> ReplayOutcome {
        let trace = try readTrace()
        let timing = timing(for: trace)
        if let why = TraceLimits.repeatProblem(timing, first: trace.edges.first?.edge.time, last: trace.edges.last?.edge.time) {
            throw .options("--repeat: " + why)
        }
        let changes = changedFlags(of: trace, timing: timing)
        let compare = check && trace.checksItself && changes.isEmpty
        var presses: [Press] = []
        var count = 0
        let digits = trace.timestampDigits
        let json = self.json
        TraceReplay.replay(trace, timing: timing) { press in
            count += 1
            if compare { presses.append(press) }
            write(json ? TracePressText.json(press, digits: digits) : TracePressText.line(press, digits: digits))
        }
        if count == 0 {
            note("\(path): no presses" + (trace.expectsNoPresses ? ", as the trace expects" : " in \(trace.edges.count) edges"))
        }
        var outcome = ReplayOutcome(presses: count, checked: compare, mismatches: [])
        if compare {
            outcome.mismatches = trace.mismatches(presses)
            for m in outcome.mismatches { note("\(path): \(m)") }
        } else if check, trace.checksItself {
            note("\(path): expectations not checked: \(changes.joined(separator: ", ")) \(changes.count == 1 ? "changes" : "change") what the trace was recorded with")
        }
        return outcome
    }

    /// Reads the trace with these options, refusing options that do not apply to it. `plot` reads
    /// its traces through this too, so both commands accept and refuse the same things.
    public func readTrace() throws(TraceFileError) -> Trace {
        let trace = try TraceReader.read(contentsOf: path, options: read)
        if trace.format == .evemu, read.activeLow != nil {
            throw .options("--active-low and --active-high apply to gpiomon and native traces; in an evemu trace a key value of 1 is always a press")
        }
        return trace
    }

    /// The flags that change the trace's own polarity or timing (empty when none does).
    func changedFlags(of trace: Trace, timing: PressTiming) -> [String] {
        var changed: [String] = []
        if trace.activeLow != trace.statedActiveLow { changed.append(trace.activeLow ? "--active-low" : "--active-high") }
        changed += TimingOverrides.changedFlags(timing, from: trace.timing ?? .default)
        return changed
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

/// What a replay found: how many presses, and whether they matched the trace's expectations.
public struct ReplayOutcome: Sendable, Equatable {
    public var presses: Int
    /// Whether the presses were compared with the trace's `expect` lines.
    public var checked: Bool
    /// One readable line per difference; empty when the trace checks out (or was not checked).
    public var mismatches: [String]
}

public struct ReplayArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

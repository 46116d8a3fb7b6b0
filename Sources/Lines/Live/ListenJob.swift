import Presses

/// `clickbridge listen` as a library call: one input through the live loop, each edge and press
/// written as it happens, until SIGINT/SIGTERM (or, for a trace, its end).
public struct ListenJob: Sendable {
    public var input: LiveInput
    /// Overrides of the timing (a trace's own, else the defaults).
    public var overrides: TimingOverrides
    /// Presses only, one JSON object per line; edges and notes are left out.
    public var json: Bool

    public init(input: LiveInput, overrides: TimingOverrides = .init(), json: Bool = false) {
        self.input = input
        self.overrides = overrides
        self.json = json
    }

    public func timing(base: PressTiming?) -> PressTiming { overrides.applied(to: base) }

    /// Opens the input (failing at once with a one-line error), then runs. `write` gets output
    /// lines (stdout), `note` gets status lines (stderr). Returns the number of presses.
    @discardableResult
    public func run(stopOnSignals: Bool = true, write: @escaping (String) -> Void, note: @escaping (String) -> Void) throws(LineError) -> Int {
        let opened = try input.open()
        if let hint = opened.hint { note("note: " + hint) }
        let timing = timing(base: opened.timing)
        let isTrace: Bool
        if case .trace = input { isTrace = true } else { isTrace = false }
        note("listening on \(opened.description); debounce \(timing.debounce.text), long \(timing.long.text), double window \(timing.doubleWindow.text)\(LiveText.gestureSettings(timing))"
             + (isTrace ? "" : "; Ctrl-C to stop"))
        var count = 0
        let json = self.json
        let offset = opened.offset
        let digits = opened.digits
        let loop = try EventLoop { event in
            switch event {
            case .edge(let b, let edge):
                guard !json else { return }
                let t = Timestamp(nanoseconds: edge.time.nanoseconds - offset.nanoseconds)
                write("edge    \(opened.source.buttons[b])  \(edge.pressed ? "down" : "up  ")  \(LiveText.seconds(t, digits: digits))")
            case .press(_, let press):
                count += 1
                let p = Press(button: press.button, gesture: press.gesture,
                              pressedAt: Timestamp(nanoseconds: press.pressedAt.nanoseconds - offset.nanoseconds),
                              decidedAt: Timestamp(nanoseconds: press.decidedAt.nanoseconds - offset.nanoseconds))
                write(json ? TracePressText.json(p, digits: digits) : TracePressText.line(p, digits: digits))
            case .notice(_, let notice):
                note(notice.description)
            }
        }
        loop.add(opened.source, timing: timing)
        if stopOnSignals { SignalStop.install(loop) }
        defer { if stopOnSignals { SignalStop.uninstall() } }
        try loop.run(until: isTrace ? .whenSourcesFinish : .onStop)
        return count
    }
}

enum LiveText {
    /// `, max presses 3, long release, repeat 500ms` for the settings that are not the defaults.
    static func gestureSettings(_ t: PressTiming) -> String {
        var out = ""
        if t.maxPresses != PressTiming.default.maxPresses { out += ", max presses \(t.maxPresses)" }
        if t.longRelease { out += ", long release" }
        if t.repeat != .zero { out += ", repeat \(t.repeat.text)" }
        return out
    }

    /// Seconds with `digits` decimals when exact at that precision, else nine.
    static func seconds(_ t: Timestamp, digits: Int) -> String {
        let full = t.description  // nine decimals
        guard digits < 9, digits >= 0 else { return full }
        let cut = 9 - digits
        guard full.hasSuffix(String(repeating: "0", count: cut)) else { return full }
        return String(full.dropLast(digits == 0 ? cut + 1 : cut))
    }
}

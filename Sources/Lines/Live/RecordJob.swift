import Glibc
import Presses

/// `clickbridge record` as a library call: edges of a live input written to a native trace as they
/// arrive (so a crash keeps everything up to it), presses shown live, and at the end the trace's
/// expectations appended, so the recording checks itself when replayed.
public struct RecordJob: Sendable {
    public var input: LiveInput
    public var output: String
    public var timing: PressTiming

    public init(input: LiveInput, output: String, timing: PressTiming = .default) {
        self.input = input
        self.output = output
        self.timing = timing
    }

    public struct Summary: Sendable {
        public var edges: Int
        public var presses: [Press]
    }

    @discardableResult
    public func run(stopOnSignals: Bool = true, write: @escaping (String) -> Void, note: @escaping (String) -> Void) throws(LineError) -> Summary {
        let opened = try input.open()
        if let hint = opened.hint { note("note: " + hint) }
        let file = try TraceFile(creating: output)
        let ids = NativeTraceWriter.uniqueIDs(opened.source.buttons)
        let writer = NativeTraceWriter(buttons: ids, activeLow: opened.activeLow)
        let sourceText: String
        switch input {
        case .gpio(let c): sourceText = "gpio \(opened.source.buttons[0]) bias=\(c.bias.rawValue)"
        case .evdev(let c): sourceText = "evdev \(c.device) " + opened.source.buttons.map { $0.split(separator: ":").last.map(String.init) ?? $0 }.joined(separator: " ")
        case .trace(let path, _): sourceText = "re-recorded from \(path)"
        }
        try file.append(writer.header(source: sourceText, initiallyPressed: opened.source.heldAtStart, timing: timing,
                                      comment: "recorded by clickbridge record; times are CLOCK_MONOTONIC seconds"))
        note("recording \(opened.description) to \(output); Ctrl-C to stop")

        var edges: [SourceEdge] = []
        var failure: LineError?
        let offset = opened.offset
        let loop = try EventLoop { event in
            switch event {
            case .edge(let b, let edge):
                let e = SourceEdge(button: b, edge: Edge(time: Timestamp(nanoseconds: edge.time.nanoseconds - offset.nanoseconds), pressed: edge.pressed))
                edges.append(e)
                if failure == nil {
                    do throws(LineError) { try file.append(writer.line(for: e)) } catch { failure = error }
                }
            case .press(_, let p):
                write(TracePressText.line(Press(button: p.button, gesture: p.gesture,
                                                pressedAt: Timestamp(nanoseconds: p.pressedAt.nanoseconds - offset.nanoseconds),
                                                decidedAt: Timestamp(nanoseconds: p.decidedAt.nanoseconds - offset.nanoseconds)), digits: opened.digits))
            case .notice(_, let n):
                note(n.description)
            }
        }
        loop.add(opened.source, timing: timing)
        if stopOnSignals { SignalStop.install(loop) }
        defer { if stopOnSignals { SignalStop.uninstall() } }
        var isTrace = false
        if case .trace = input { isTrace = true }
        try loop.run(until: isTrace ? .whenSourcesFinish : .onStop)
        if let failure { throw failure }

        // Expectations from an instant replay of exactly what was written, so they hold when the
        // file is replayed (a decision cut short by Ctrl-C gets its natural time there).
        let trace = Trace(buttons: ids, edges: edges, activeLow: opened.activeLow, initiallyPressed: opened.source.heldAtStart, timing: timing)
        let presses = TraceReplay.presses(of: trace)
        var tail = "# expectations: what replaying these edges gives\n"
        if presses.isEmpty { tail += "expect none\n" }
        for p in presses {
            tail += TraceExpectation(gesture: p.gesture, button: p.button, pressedAt: p.pressedAt, decidedAt: p.decidedAt).expectLine + "\n"
        }
        try file.append(tail)
        try file.close()
        note("wrote \(edges.count) edges and \(presses.count) expected presses to \(output)")
        return Summary(edges: edges.count, presses: presses)
    }
}

/// The trace file being recorded: each append is one write(2), so a crash loses at most the line
/// being written.
final class TraceFile {
    let path: String
    private var fd: Int32

    init(creating path: String) throws(LineError) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LineError("cannot create \(path): \(SystemError.text(errno))") }
        self.path = path
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func append(_ text: String) throws(LineError) {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LineError("cannot write \(path): \(SystemError.text(errno))")
            }
            done += n
        }
        bytes.removeAll()
    }

    func close() throws(LineError) {
        guard fd >= 0 else { return }
        let rc = fsync(fd)
        Glibc.close(fd)
        fd = -1
        if rc != 0 { throw LineError("cannot write \(path): \(SystemError.text(errno))") }
    }
}

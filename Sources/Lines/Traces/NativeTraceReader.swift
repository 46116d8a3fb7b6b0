import Presses

/// Reads the native trace format defined in hardware/traces/README.md.
enum NativeTraceReader {
    /// `forced` overrides the header's polarity (nil keeps it).
    static func read(_ buffer: UnsafeBufferPointer<UInt8>, activeLow forced: Bool? = nil) throws(TraceError) -> Trace {
        var lines = ByteLines(buffer)
        var d = TraceDirectives(.native)
        var edges: [SourceEdge] = []
        // Traces are mostly edges; a rough guess from the size saves regrowing the array.
        edges.reserveCapacity(buffer.count / 26)
        var activeLow = forced ?? false
        var lastTime: Int64 = .min
        var last = -1 // the button of the previous edge: consecutive edges usually share it
        while var s = lines.next() {
            s.skipBlanks()
            if s.atEnd || s.peek == 35 { continue }
            if s.peek &- 48 < 10 {
                guard d.sawVersion else { throw s.fail("expected the header line 'clickbridge-trace 1' before the first edge") }
                let t = try s.seconds("the edge time")
                try s.blanks("a button id after the time")
                let r = s.token()
                var b = -1
                // Consecutive edges usually share their button; otherwise look the id up.
                if last >= 0, s.equals(r, d.buttonBytes[last]) { b = last } else if let k = d.buttonIndex[s.text(r)] { b = k }
                if b < 0 {
                    if r.isEmpty { throw s.fail("expected a button id after the time") }
                    throw s.fail("button '\(s.text(r))' is not declared; add 'button \(s.text(r))' to the header")
                }
                last = b
                try s.blanks("the level 0 or 1 after the button")
                let level = s.peek
                guard level == 48 || level == 49 else { throw s.fail("expected the level 0 or 1\(s.found)") }
                s.index += 1
                try s.endOfLine("the level")
                guard t >= lastTime else {
                    throw s.fail("time \(formatSeconds(t)) is earlier than the previous edge's \(formatSeconds(lastTime)); edges must be in time order")
                }
                lastTime = t
                edges.append(SourceEdge(button: b, edge: Edge(time: Timestamp(nanoseconds: t), pressed: (level == 49) != activeLow)))
            } else {
                if !d.sawVersion {
                    var probe = s
                    guard probe.text(probe.token()) == "clickbridge-trace" else {
                        throw s.fail("expected the header line 'clickbridge-trace 1'\(s.found)")
                    }
                }
                try d.parse(&s, edgesSeen: !edges.isEmpty)
                activeLow = forced ?? d.activeLow ?? false
            }
        }
        guard d.sawVersion else { throw TraceError(line: max(1, lines.number), "expected the header line 'clickbridge-trace 1'; the file has none") }
        try d.validate(lastLine: lines.number)
        if let why = TraceLimits.repeatProblem(d.timing, first: edges.first?.edge.time, last: edges.last?.edge.time) {
            throw TraceError(line: d.timingLine, why)
        }
        return Trace(
            buttons: d.buttons, edges: edges, source: d.source, activeLow: activeLow, statedActiveLow: d.activeLow ?? false,
            initiallyPressed: d.initialLevels.map { level in level.map { ($0 == 1) != activeLow } ?? false },
            timing: d.timing, expectations: d.expectations, expectsNoPresses: d.expectsNone,
            format: .native, timestampDigits: 9)
    }
}

/// Seconds with nine decimals, exact (the same spelling as `Timestamp.description`).
func formatSeconds(_ ns: Int64) -> String {
    Timestamp(nanoseconds: ns).description
}

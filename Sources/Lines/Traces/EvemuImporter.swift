import Presses

/// Imports `evemu-record` output:
///
///     # EVEMU 1.3
///     N: gpio_keys
///     I: 0019 0001 0001 0100
///     B: 01 00 00 00 10 00 00 00 00
///     E: 0.000001 0001 001c 0001	# EV_KEY / KEY_ENTER            1
///     E: 0.000001 0000 0000 0000	# ------------ SYN_REPORT (0) ---------- +0ms
///
/// Events are `E: SEC.USEC TYPE CODE VALUE`, type and code in hexadecimal, value in decimal.
/// Only EV_KEY (type 1) events make edges: value 1 is a press, 0 a release, 2 an autorepeat,
/// which is ignored. Without `keys`, every key is its own button; with them, only those keys
/// count. A button is named by its key name, else its decimal code.
enum EvemuImporter {
    /// KEY_MAX of linux/input-event-codes.h.
    static let maxKeyCode: UInt16 = 0x2ff

    static func read(_ buffer: UnsafeBufferPointer<UInt8>, keys: [UInt16]) throws(TraceError) -> Trace {
        var lines = ByteLines(buffer)
        var d = TraceDirectives(.evemu)
        var names: [String] = []
        // Button index per key code, -1 for keys not (yet) seen, -2 for keys filtered out.
        var buttonOfCode = [Int](repeating: keys.isEmpty ? -1 : -2, count: Int(EvemuImporter.maxKeyCode) + 1)
        for k in keys where buttonOfCode[Int(k)] < 0 {
            buttonOfCode[Int(k)] = names.count
            names.append(EvdevKey.name(k))
        }
        var edges: [SourceEdge] = []
        edges.reserveCapacity(buffer.count / 60)
        var device: String?
        var lastTime: Int64 = .min
        var sawEvent = false
        while var s = lines.next() {
            s.skipBlanks()
            if s.atEnd { continue }
            let c = s.peek
            if c == 35 {
                if s.take(TraceDirectives.prefix) {
                    try s.blanks("a directive after '#@clickbridge'")
                    try d.parse(&s, edgesSeen: !edges.isEmpty)
                }
                continue
            }
            guard s.end - s.index >= 2, s.base[s.index + 1] == 58 else {
                throw s.fail("expected an evemu line: 'E: SEC.USEC TYPE CODE VALUE', a header line (N:, I:, P:, B:, A:, L:, S:) or a # comment\(s.found)")
            }
            switch c {
            case 69: // E:
                s.index += 2
                try s.blanks("the event time after 'E:'")
                let time = try s.seconds("the event time")
                try s.blanks("the event type")
                let type = try s.hex("the event type")
                try s.blanks("the event code")
                let code = try s.hex("the event code")
                try s.blanks("the event value")
                let value = try s.signed("the event value")
                try s.endOfLine("the event value")
                sawEvent = true
                guard type == 1 else { continue } // EV_KEY only; EV_SYN, EV_MSC, … carry no edges.
                guard code <= UInt32(maxKeyCode) else {
                    throw s.fail("key code 0x\(String(code, radix: 16)) is beyond KEY_MAX (0x2ff)")
                }
                guard value == 0 || value == 1 || value == 2 else {
                    throw s.fail("expected an EV_KEY value of 0 (release), 1 (press) or 2 (autorepeat), found \(value)")
                }
                if value == 2 { continue } // autorepeat is not an edge
                var b = buttonOfCode[Int(code)]
                if b == -2 { continue }
                if b == -1 {
                    b = names.count
                    buttonOfCode[Int(code)] = b
                    names.append(EvdevKey.name(UInt16(code)))
                }
                guard time >= lastTime else {
                    throw s.fail("time \(formatSeconds(time)) is earlier than the previous key event's \(formatSeconds(lastTime)); events must be in time order")
                }
                lastTime = time
                edges.append(SourceEdge(button: b, edge: Edge(time: Timestamp(nanoseconds: time), pressed: value == 1)))
            case 78: // N: device name
                s.index += 2
                s.skipBlanks()
                device = s.rest
            case 73, 80, 66, 65, 76, 83: // I: P: B: A: L: S: device description, not needed
                continue
            default:
                throw s.fail("expected an evemu line: 'E: SEC.USEC TYPE CODE VALUE', a header line (N:, I:, P:, B:, A:, L:, S:) or a # comment\(s.found)")
            }
        }
        try d.validate(lastLine: lines.number)
        if let why = TraceLimits.repeatProblem(d.timing, first: edges.first?.edge.time, last: edges.last?.edge.time) {
            throw TraceError(line: d.timingLine, why)
        }
        if !sawEvent && !d.expectsNone {
            throw TraceError(line: max(1, lines.number), "expected at least one 'E:' event line; the file has none")
        }
        return Trace(buttons: names, edges: edges, source: d.source ?? device.map { "evemu \($0)" } ?? "evemu",
                     activeLow: false, timing: d.timing, expectations: d.expectations,
                     expectsNoPresses: d.expectsNone, format: .evemu, timestampDigits: 6)
    }
}

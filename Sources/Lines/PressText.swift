import Presses

/// Presses as text for people and for `--json`.
///
/// Times are seconds on the trace's own clock, printed from integer nanoseconds so a gpiomon
/// timestamp comes back exactly as gpiomon printed it (no Double rounding).
public enum TracePressText {
    /// One JSON object, no newline:
    /// `{"clickType":"DOUBLE","button":"GPIO17","pressedAt":…,"decidedAt":…,"gesture":"DOUBLE","count":2}`.
    /// `clickType` is there for SINGLE, DOUBLE and LONG only; `count` for multi-presses and
    /// LONG_REPEAT, `heldFor` (seconds) for LONG_RELEASE. The gesture fields follow the original
    /// four, so a line of the three 1-Click types only gains fields at its end.
    /// `digits` is the number of decimals (9 for nanosecond clocks, 6 for evemu's microseconds);
    /// times that are not exact at that precision get 9.
    public static func json(_ press: Press, digits: Int = 9) -> String {
        var s = "{"
        if let click = press.clickType {
            s += "\"clickType\":\""
            s += click.rawValue
            s += "\","
        }
        s += "\"button\":"
        s += jsonString(press.button)
        s += ",\"pressedAt\":"
        s += seconds(press.pressedAt, digits: digits)
        s += ",\"decidedAt\":"
        s += seconds(press.decidedAt, digits: digits)
        s += ",\"gesture\":\""
        s += press.gesture.name.rawValue
        s += "\""
        if let count = press.count {
            s += ",\"count\":"
            s += String(count)
        }
        if let held = press.heldFor {
            s += ",\"heldFor\":"
            s += seconds(Timestamp(nanoseconds: held.nanoseconds), digits: digits)
        }
        s += "}"
        return s
    }

    /// One readable line: `DOUBLE  GPIO17  pressed 5.000000000  decided 5.402000000 (+402.000 ms)`.
    public static func line(_ press: Press, digits: Int = 9) -> String {
        let name = press.gesture.name.rawValue
        let type = name + String(repeating: " ", count: max(0, 6 - name.count))
        // What only some gestures have, after the times, so the columns of the three stay put.
        var extra = ""
        if case .longRepeat(let count) = press.gesture { extra = "  count \(count)" }
        if let held = press.heldFor { extra = "  held \(seconds(Timestamp(nanoseconds: held.nanoseconds), digits: digits)) s" }
        // The decision's delay after the press, in milliseconds to the microsecond.
        let us = (press.decidedAt - press.pressedAt).nanoseconds / 1_000
        let frac = String(us.magnitude % 1_000)
        let delay = "\(us < 0 ? "-" : "")\(us.magnitude / 1_000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
        return "\(type)  \(press.button)  pressed \(seconds(press.pressedAt, digits: digits))  decided \(seconds(press.decidedAt, digits: digits)) (+\(delay) ms)\(extra)"
    }

    /// Exact decimal seconds with `digits` decimals (0...9); falls back to 9 if that would round.
    public static func seconds(_ t: Timestamp, digits: Int = 9) -> String {
        let ns = t.nanoseconds
        var d = min(max(digits, 0), 9)
        var scale: UInt64 = 1
        for _ in 0..<(9 - d) { scale *= 10 }
        let magnitude = ns.magnitude
        if magnitude % 1_000_000_000 % scale != 0 { d = 9; scale = 1 }
        var out = ns < 0 ? "-" : ""
        out += String(magnitude / 1_000_000_000)
        if d > 0 {
            let frac = String((magnitude % 1_000_000_000) / scale)
            out += "." + String(repeating: "0", count: d - frac.count) + frac
        }
        return out
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// Names of evdev key codes (`KEY_ENTER` = 28), from linux/input-event-codes.h.
public enum EvdevKeys {
    /// The highest key code the kernel defines (KEY_MAX).
    public static let maxCode: UInt16 = 0x2ff

    private static let tables: (names: [String?], codes: [String: UInt16]) = {
        var names = [String?](repeating: nil, count: Int(maxCode) + 1)
        var codes: [String: UInt16] = [:]
        for (text, canonical) in [(EvdevKeyTable.canonical, true), (EvdevKeyTable.aliases, false)] {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let code = UInt16(parts[0]), code <= maxCode else { continue }
                let name = String(parts[1])
                if canonical && names[Int(code)] == nil { names[Int(code)] = name }
                codes[name] = code
            }
        }
        return (names, codes)
    }()

    /// `KEY_ENTER` for 28; nil for codes without a name.
    public static func name(of code: UInt16) -> String? {
        code <= maxCode ? tables.names[Int(code)] : nil
    }

    /// The code for a name (`KEY_ENTER`, `BTN_0`, also aliases like `BTN_A`).
    public static func code(named name: String) -> UInt16? { tables.codes[name] }

    /// The button name DESIGN.md gives a key: its name, else its decimal code.
    public static func buttonName(of code: UInt16) -> String { name(of: code) ?? String(code) }

    /// Parses a `--key` argument: a name (`KEY_ENTER`, case-insensitive, `ENTER` also works), a
    /// decimal code (`28`) or a hexadecimal one (`0x1c`).
    public static func parse(_ text: String) throws(EvdevKeyError) -> UInt16 {
        if let v = UInt16(text), v <= maxCode { return v }
        if text.hasPrefix("0x") || text.hasPrefix("0X"), let v = UInt16(text.dropFirst(2), radix: 16), v <= maxCode { return v }
        let upper = text.uppercased()
        if let v = code(named: upper) { return v }
        if let v = code(named: "KEY_" + upper) { return v }
        throw EvdevKeyError(text: text)
    }
}

public struct EvdevKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var description: String {
        "'\(text)' is not a key; give a name like KEY_ENTER or a code like 28 (0 to \(EvdevKeys.maxCode))"
    }
}

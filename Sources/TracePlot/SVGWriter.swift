/// A minimal SVG (XML) writer: elements one per line, attributes in the order given, text and
/// attribute values escaped. It never formats a floating-point number itself: callers pass
/// strings made by `PlotText`, so the same input gives the same bytes on every machine.
struct SVGWriter {
    private(set) var text = ""
    private var depth = 0

    init() { text.reserveCapacity(1 << 14) }

    /// Opens an element that will contain others.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        line("<\(name)\(Self.attributes(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// An empty element, or one holding only `content` (escaped).
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], content: String? = nil) {
        if let content {
            line("<\(name)\(Self.attributes(attributes))>\(Self.escape(content))</\(name)>")
        } else {
            line("<\(name)\(Self.attributes(attributes))/>")
        }
    }

    private mutating func line(_ s: String) {
        text += String(repeating: " ", count: depth)
        text += s
        text += "\n"
    }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        var out = ""
        for (key, value) in attributes { out += " \(key)=\"\(escape(value))\"" }
        return out
    }

    /// Escapes the characters XML gives meaning to. Control characters other than tab and
    /// newline cannot appear in XML 1.0 at all, so they become U+FFFD.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

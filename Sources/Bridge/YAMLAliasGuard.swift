/// Finds YAML anchors (`&name`) and aliases (`*name`) before the text reaches the YAML library.
///
/// The configuration has no use for them, and they are how a few hundred bytes become a
/// document too large to read: aliases used as mapping keys make the library's duplicate-key
/// check hash the same nested mappings again and again (a 493-byte file kept `run` at 100 % CPU
/// for over a minute). So they are refused up front, with their line.
///
/// An indicator counts only where a node can start: at the start of a line's content, after `- `,
/// `: ` or `? `, or after `[`, `{` and `,` in a flow collection; never inside quotes, a comment or
/// a block scalar. `echo a && b`, `?a=1&b=2` and `"*.log"` are text.
enum YAMLAliasGuard {
    struct Found: Error, Equatable {
        var line: Int
        var isAlias: Bool
    }

    static func check(_ text: String) throws(Found) {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var lineNumber = 0
        // Inside a block scalar (`|` or `>`), lines indented deeper than its key are text.
        var blockIndent: Int?
        var flowDepth = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Array(rawLine.utf8)
            var i = 0
            while i < line.count, line[i] == space { i += 1 }
            if let indent = blockIndent {
                if i == line.count || i > indent { continue }
                blockIndent = nil
            }
            let indent = i
            var nodeStart = true  // the next non-blank byte may begin a node
            while i < line.count {
                let c = line[i]
                let next = i + 1 < line.count ? line[i + 1] : space
                let blankNext = next == space || next == tab || next == 13
                if c == space || c == tab { i += 1; continue }
                if c == UInt8(ascii: "#"), i == 0 || line[i - 1] == space || line[i - 1] == tab { break }  // a comment
                if nodeStart {
                    switch c {
                    case UInt8(ascii: "'"), UInt8(ascii: "\""):
                        i = skipQuoted(line, from: i)
                        nodeStart = false
                        continue
                    case UInt8(ascii: "&") where isAnchorChar(next), UInt8(ascii: "*") where isAnchorChar(next):
                        throw Found(line: lineNumber, isAlias: c == UInt8(ascii: "*"))
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flowDepth += 1
                        i += 1
                        continue
                    case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
                        blockIndent = indent
                        i = line.count
                        continue
                    case UInt8(ascii: "-") where blankNext, UInt8(ascii: "?") where blankNext, UInt8(ascii: ":") where blankNext:
                        i += 1
                        continue
                    default:
                        break
                    }
                }
                if flowDepth > 0, c == UInt8(ascii: ",") {
                    nodeStart = true
                } else if flowDepth > 0, c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    flowDepth -= 1
                    nodeStart = false
                } else if c == UInt8(ascii: ":"), blankNext || (flowDepth > 0 && next == UInt8(ascii: ",")) {
                    nodeStart = true  // `key: value`
                } else {
                    nodeStart = false  // text of a plain scalar: `&` and `*` inside it are text
                }
                i += 1
            }
        }
    }

    private static func isAnchorChar(_ c: UInt8) -> Bool {
        c > 0x20 && c != UInt8(ascii: ",") && c != UInt8(ascii: "[") && c != UInt8(ascii: "]")
            && c != UInt8(ascii: "{") && c != UInt8(ascii: "}")
    }

    /// The index after a quoted scalar that starts at `start` (or the line's end).
    private static func skipQuoted(_ line: [UInt8], from start: Int) -> Int {
        let quote = line[start]
        var i = start + 1
        while i < line.count {
            if quote == UInt8(ascii: "\""), line[i] == UInt8(ascii: "\\") { i += 2; continue }
            if line[i] == quote {
                // '' is an escaped quote inside single quotes.
                if quote == UInt8(ascii: "'"), i + 1 < line.count, line[i + 1] == quote { i += 2; continue }
                return i + 1
            }
            i += 1
        }
        return i
    }
}

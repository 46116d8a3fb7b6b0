import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG file as a real XML parser reads it: parsing fails the test on any well-formedness
/// error, and the elements are kept with their attributes and text for the checks.
struct SVGDocument {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var children: [Int]
    }

    private(set) var elements: [Element] = []

    init(_ svg: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw ParseFailure(description: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber): \(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        elements = delegate.elements
    }

    var root: Element? { elements.first }

    /// Elements whose `class` attribute is `name`.
    func elements(class name: String) -> [Element] {
        elements.filter { $0.attributes["class"] == name }
    }

    func children(of element: Element) -> [Element] { element.children.map { elements[$0] } }

    /// Every descendant of `element` (depth first).
    func descendants(of element: Element) -> [Element] {
        var out: [Element] = []
        for c in element.children {
            out.append(elements[c])
            out += descendants(of: elements[c])
        }
        return out
    }

    struct ParseFailure: Error, CustomStringConvertible { var description: String }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var stack: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let index = elements.count
            elements.append(Element(name: name, attributes: attributes, text: "", children: []))
            if let parent = stack.last { elements[parent].children.append(index) }
            stack.append(index)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current = stack.last { elements[current].text += string }
        }
    }
}

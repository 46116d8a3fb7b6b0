import Foundation

/// A string map (device attributes, a callback's settings) as both stores keep it: one JSON
/// object in a text column.
package enum StoredMap {
    package static func encode(_ map: [String: String]) -> String {
        JSONWire.encodeString(map)
    }

    /// Unreadable text reads as no entries.
    package static func decode(_ text: String?) -> [String: String] {
        // Most devices have no attributes: JSONDecoder takes 11,000 instructions to read "{}".
        if text == "{}" { return [:] }
        guard let text, let data = text.data(using: .utf8),
              let map = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [:] }
        return map
    }
}

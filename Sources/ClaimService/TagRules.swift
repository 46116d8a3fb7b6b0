/// The tag limits AWS documents for IoT 1-Click: at most 50 per resource, keys of 1–128 and values
/// of 0–256 characters, and the `aws:` prefix reserved.
package enum TagRules {
    static let maxTags = 50

    static func validate(_ tags: [String: String]) throws(ServiceError) {
        for (key, value) in tags {
            try validateKey(key)
            guard value.count <= 256 else {
                throw .invalidRequest("the value of tag '\(key)' is \(value.count) characters long: at most 256 are allowed")
            }
        }
    }

    static func validateKey(_ key: String) throws(ServiceError) {
        guard (1...128).contains(key.count) else {
            throw .invalidRequest("tag key '\(key.prefix(40))' is \(key.count) characters long: keys have 1 to 128")
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw .invalidRequest("tag key '\(key)' uses the reserved prefix 'aws:': choose another key")
        }
    }

    /// The tags after merging `new` into `existing`, within the limit.
    package static func merged(_ existing: [String: String], with new: [String: String]) throws(ServiceError) -> [String: String] {
        let result = existing.merging(new) { _, n in n }
        guard result.count <= maxTags else {
            throw .invalidRequest("a device can have at most \(maxTags) tags; this would give it \(result.count): remove some first (UntagResource)")
        }
        return result
    }
}

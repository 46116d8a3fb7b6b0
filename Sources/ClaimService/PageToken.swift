import Foundation

/// Opaque `nextToken`s. Each carries the listing it belongs to, so a token from another listing
/// (another device, time range, account or type) is rejected rather than silently misread.
struct PageToken: Codable, Sendable, Equatable {
    /// Which listing: `devices` or `events`.
    var kind: String
    /// The listing's parameters, joined: account/type for devices, device/from/to for events.
    var scope: String
    /// Where the last page ended: a deviceId, or "reportedTime:seq".
    var after: String

    var encoded: String {
        Data(JSONWire.encode(self)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> PageToken? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard text.count <= 2048, let data = Data(base64Encoded: b64) else { return nil }
        return try? JSONDecoder().decode(PageToken.self, from: data)
    }
}

enum Paging {
    /// `maxResults`: 1–250, default 100.
    static func maxResults(_ query: QueryParameters) throws(ServiceError) -> Int {
        guard let raw = query.first("maxResults") else { return 100 }
        guard let n = Int(raw), (1...250).contains(n) else {
            throw .invalidRequest("maxResults must be an integer from 1 to 250, not '\(raw.prefix(40))'")
        }
        return n
    }

    /// The token's `after`, if the query has a token of this listing; 416 for any other token.
    static func after(_ query: QueryParameters, kind: String, scope: String) throws(ServiceError) -> String? {
        guard let raw = query.first("nextToken"), !raw.isEmpty else { return nil }
        guard let token = PageToken.decode(raw), token.kind == kind, token.scope == scope else {
            throw .range("nextToken is not from this listing: repeat the call with the same parameters and the nextToken it returned, or without nextToken to start over")
        }
        return token.after
    }
}

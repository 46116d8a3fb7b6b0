/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
/// header.
struct SigV4Authorization: Sendable, Equatable {
    let accessKeyId: String
    let day: String
    let region: String
    let service: String
    /// Lower-case header names in the order given.
    let signedHeaders: [String]
    let signature: String

    var scope: String { "\(day)/\(region)/\(service)/aws4_request" }

    static func parse(_ header: String) throws(SigV4Failure) -> SigV4Authorization {
        let trimmed = header.drop(while: { $0 == " " })
        guard trimmed.hasPrefix(SigV4Crypto.algorithm + " ") else {
            let algorithm = trimmed.prefix(while: { $0 != " " })
            throw SigV4Failure(.incompleteSignature,
                               "Unsupported Authorization type '\(algorithm)': sign requests with \(SigV4Crypto.algorithm) (AWS Signature Version 4).")
        }
        var fields: [String: String] = [:]
        for part in trimmed.dropFirst(SigV4Crypto.algorithm.count + 1).split(separator: ",") {
            let item = part.trimmingSpaces()
            guard let eq = item.firstIndex(of: "=") else { continue }
            fields[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        let missing = ["Credential", "SignedHeaders", "Signature"].filter { fields[$0] == nil }
        guard missing.isEmpty else {
            throw SigV4Failure(.incompleteSignature,
                               missing.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " ")
                               + " Authorization=\(header.prefix(200))")
        }
        let credential = fields["Credential"]!.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard credential.count == 5, credential.allSatisfy({ !$0.isEmpty }), credential[4] == "aws4_request" else {
            throw SigV4Failure(.incompleteSignature,
                               "Credential '\(fields["Credential"]!)' is malformed: expected 'ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request'.")
        }
        let signedHeaders = fields["SignedHeaders"]!.split(separator: ";").map { $0.lowercased() }
        guard !signedHeaders.isEmpty, !fields["Signature"]!.isEmpty else {
            throw SigV4Failure(.incompleteSignature, "Authorization header has an empty 'SignedHeaders' or 'Signature' parameter.")
        }
        return SigV4Authorization(accessKeyId: credential[0], day: credential[1], region: credential[2],
                                  service: credential[3], signedHeaders: signedHeaders, signature: fields["Signature"]!)
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}

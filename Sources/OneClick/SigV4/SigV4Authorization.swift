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

    // Parsed over UTF-8 bytes: the header is ASCII when valid, and splitting it by Characters
    // cost about 100,000 instructions per request, a tenth of a whole DescribeDevice.
    static func parse(_ header: String) throws(SigV4Failure) -> SigV4Authorization {
        let bytes = Substring(header).utf8
        let trimmed = bytes.drop { $0 == space }
        let scheme = trimmed.prefix { $0 != space }
        guard scheme.elementsEqual(SigV4Crypto.algorithm.utf8), scheme.endIndex < trimmed.endIndex else {
            throw SigV4Failure(.incompleteSignature,
                               "Unsupported Authorization type '\(Substring(scheme))': sign requests with \(SigV4Crypto.algorithm) (AWS Signature Version 4).")
        }
        // A name given twice counts with its last value.
        var credential: Substring?, signedHeaderList: Substring?, signature: Substring?
        for part in trimmed[trimmed.index(after: scheme.endIndex)...].split(separator: comma) {
            let item = part.trimmingSpaces
            guard let eq = item.firstIndex(of: equals) else { continue }
            let value = Substring(item[item.index(after: eq)...])
            switch Substring(item[..<eq]) {
            case "Credential": credential = value
            case "SignedHeaders": signedHeaderList = value
            case "Signature": signature = value
            default: continue
            }
        }
        guard let credential, let signedHeaderList, let signature else {
            let missing = [("Credential", credential), ("SignedHeaders", signedHeaderList), ("Signature", signature)].filter { $0.1 == nil }
            throw SigV4Failure(.incompleteSignature,
                               missing.map { "Authorization header requires '\($0.0)' parameter." }.joined(separator: " ")
                               + " Authorization=\(header.prefix(200))")
        }
        let scope = credential.utf8.split(separator: slash, omittingEmptySubsequences: false)
        guard scope.count == 5, scope.allSatisfy({ !$0.isEmpty }), scope[4].elementsEqual("aws4_request".utf8) else {
            throw SigV4Failure(.incompleteSignature,
                               "Credential '\(credential)' is malformed: expected 'ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request'.")
        }
        let signedHeaders = signedHeaderList.utf8.split(separator: semicolon).map { Substring($0).lowercased() }
        guard !signedHeaders.isEmpty, !signature.isEmpty else {
            throw SigV4Failure(.incompleteSignature, "Authorization header has an empty 'SignedHeaders' or 'Signature' parameter.")
        }
        return SigV4Authorization(accessKeyId: String(Substring(scope[0])), day: String(Substring(scope[1])),
                                  region: String(Substring(scope[2])), service: String(Substring(scope[3])),
                                  signedHeaders: signedHeaders, signature: String(signature))
    }
}

private let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ","), equals = UInt8(ascii: "=")
private let slash = UInt8(ascii: "/"), semicolon = UInt8(ascii: ";")

extension Substring.UTF8View {
    /// Without the spaces and tabs at either end.
    fileprivate var trimmingSpaces: Substring.UTF8View {
        var s = self
        while let first = s.first, first == space || first == tab { s = s.dropFirst() }
        while let last = s.last, last == space || last == tab { s = s.dropLast() }
        return s
    }
}

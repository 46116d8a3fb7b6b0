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

    // Parsed as an array of bytes: the header is ASCII when valid, and splitting it by
    // Characters cost about 100,000 instructions per request, a tenth of a DescribeDevice.
    static func parse(_ header: String) throws(SigV4Failure) -> SigV4Authorization {
        let bytes = Array(header.utf8)
        let trimmed = bytes.drop { $0 == space }
        let scheme = trimmed.prefix { $0 != space }
        guard scheme.elementsEqual(SigV4Crypto.algorithm.utf8), scheme.endIndex < trimmed.endIndex else {
            throw SigV4Failure(.incompleteSignature,
                               "Unsupported Authorization type '\(text(scheme))': sign requests with \(SigV4Crypto.algorithm) (AWS Signature Version 4).")
        }
        // A name given twice counts with its last value.
        var credential: ArraySlice<UInt8>?, signedHeaderList: ArraySlice<UInt8>?, signature: ArraySlice<UInt8>?
        for part in trimmed[(scheme.endIndex + 1)...].fields(separatedBy: comma) {
            let item = part.trimmingSpaces
            guard let eq = item.firstIndex(of: equals) else { continue }
            let (name, value) = (item[..<eq], item[(eq + 1)...])
            if name == credentialName[...] { credential = value }
            else if name == signedHeadersName[...] { signedHeaderList = value }
            else if name == signatureName[...] { signature = value }
        }
        guard let credential, let signedHeaderList, let signature else {
            let missing = [("Credential", credential), ("SignedHeaders", signedHeaderList), ("Signature", signature)].filter { $0.1 == nil }
            throw SigV4Failure(.incompleteSignature,
                               missing.map { "Authorization header requires '\($0.0)' parameter." }.joined(separator: " ")
                               + " Authorization=\(header.prefix(200))")
        }
        let scope = credential.fields(separatedBy: slash, omittingEmpty: false)
        guard scope.count == 5, scope.allSatisfy({ !$0.isEmpty }), scope[4] == terminator[...] else {
            throw SigV4Failure(.incompleteSignature,
                               "Credential '\(text(credential))' is malformed: expected 'ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request'.")
        }
        let signedHeaders = signedHeaderList.fields(separatedBy: semicolon).map { text($0).lowercased() }
        guard !signedHeaders.isEmpty, !signature.isEmpty else {
            throw SigV4Failure(.incompleteSignature, "Authorization header has an empty 'SignedHeaders' or 'Signature' parameter.")
        }
        return SigV4Authorization(accessKeyId: text(scope[0]), day: text(scope[1]), region: text(scope[2]), service: text(scope[3]),
                                  signedHeaders: signedHeaders, signature: text(signature))
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

private let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ","), equals = UInt8(ascii: "=")
private let slash = UInt8(ascii: "/"), semicolon = UInt8(ascii: ";")
private let credentialName = Array("Credential".utf8), signedHeadersName = Array("SignedHeaders".utf8)
private let signatureName = Array("Signature".utf8), terminator = Array("aws4_request".utf8)

extension ArraySlice<UInt8> {
    /// The parts between `separator`s, as `split` gives them; written out, since the generic
    /// `split` with its closure cost 12,000 instructions on one Authorization header.
    fileprivate func fields(separatedBy separator: UInt8, omittingEmpty: Bool = true) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        result.reserveCapacity(8)
        var start = startIndex
        for i in indices where self[i] == separator {
            if !omittingEmpty || i > start { result.append(self[start..<i]) }
            start = i + 1
        }
        if !omittingEmpty || endIndex > start { result.append(self[start..<endIndex]) }
        return result
    }

    /// Without the spaces and tabs at either end.
    fileprivate var trimmingSpaces: ArraySlice<UInt8> {
        var s = self
        while let first = s.first, first == space || first == tab { s = s.dropFirst() }
        while let last = s.last, last == space || last == tab { s = s.dropLast() }
        return s
    }
}

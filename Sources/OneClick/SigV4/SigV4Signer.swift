import Foundation

/// Signs requests with SigV4 in the form botocore sends to `iot1click` and `a4b`: the headers
/// given (content-type, x-amz-target) plus `host` and `x-amz-date`, no `x-amz-content-sha256`,
/// the payload hash over the body, and the double-encoded canonical URI.
public struct SigV4Signer: Sendable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var region: String
    /// The credential scope's service: `iot1click` or `a4b` here.
    public var service: String

    public init(accessKeyId: String, secretAccessKey: String, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// What to add to the request.
    public struct Signature: Sendable {
        public let amzDate: String
        public let authorization: String
        public let canonicalRequest: String
        public let stringToSign: String
        /// Every header the request must carry for the signature to hold, in signing order:
        /// `Host`, the given headers, `X-Amz-Date` and `Authorization`.
        public let headers: [(name: String, value: String)]
    }

    /// - Parameters:
    ///   - host: the Host header value, with the port unless it is the scheme's default.
    ///   - rawPath: the percent-encoded path as it will be sent.
    ///   - rawQuery: the encoded query as it will be sent, without `?`.
    ///   - headers: the other headers to sign (e.g. `Content-Type`, `X-Amz-Target`).
    public func sign(method: String, host: String, rawPath: String, rawQuery: String,
                     headers: [(name: String, value: String)], body: [UInt8], date: Date) -> Signature {
        let amz = AmzDate(date)
        var toSign: [(name: String, value: String)] = [("Host", host)]
        toSign += headers
        toSign.append(("X-Amz-Date", amz.timestamp))
        let canonical = CanonicalRequest(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: toSign, payload: body)
        let scope = "\(amz.day)/\(region)/\(service)/aws4_request"
        let stringToSign = SigV4Crypto.stringToSign(amzDate: amz.timestamp, scope: scope, canonicalRequestHash: canonical.hash)
        let key = SigV4Crypto.signingKey(secret: secretAccessKey, day: amz.day, region: region, service: service)
        let signature = SigV4Crypto.hex(SigV4Crypto.signature(key: key, stringToSign: stringToSign))
        let authorization = "\(SigV4Crypto.algorithm) Credential=\(accessKeyId)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return Signature(amzDate: amz.timestamp, authorization: authorization, canonicalRequest: canonical.text,
                         stringToSign: stringToSign, headers: toSign + [("Authorization", authorization)])
    }

    /// The Host header botocore derives from a URL: host, plus `:port` unless it is the scheme's
    /// default; IPv6 literals in brackets.
    public static func hostHeader(scheme: String, host: String, port: Int?) -> String {
        let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let defaultPort = scheme.lowercased() == "https" ? 443 : 80
        if let port, port != defaultPort { return "\(name):\(port)" }
        return name
    }
}

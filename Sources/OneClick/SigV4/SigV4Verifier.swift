import Foundation

/// Which key of a principal signed a request. During a rotation a principal has two: the new
/// (current) one and the previous one, which stays valid until the current one is first used or
/// its grace period ends.
public enum KeyGeneration: Sendable, Equatable {
    case current
    case previous
}

/// What the verifier needs to know about an access key id.
public struct SigV4Identity: Sendable, Equatable {
    public let principal: String
    public let accountId: String
    public let secretAccessKey: String
    public let generation: KeyGeneration

    public init(principal: String, accountId: String, secretAccessKey: String, generation: KeyGeneration = .current) {
        self.principal = principal
        self.accountId = accountId
        self.secretAccessKey = secretAccessKey
        self.generation = generation
    }
}

/// An authenticated caller.
public struct SigV4Principal: Sendable, Equatable {
    /// The profile name in the credentials file.
    public let name: String
    public let accountId: String
    public let accessKeyId: String
    /// The region of the credential scope; ARNs carry it.
    public let region: String
    public let generation: KeyGeneration
    /// The request's signature as this verifier computed it (lowercase hex). Any spelling of it
    /// that verifies is this one, so it names the signed request: the service spends it once.
    public let signature: String
    /// The request's X-Amz-Date, seconds since 1970.
    public let signedAt: Int64
}

/// A request as the server received it, before any decoding.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded.
    public var rawPath: String
    /// The query as sent, without `?`.
    public var rawQuery: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    /// The headers with their names in lower case, made once per verification: a lookup per
    /// signed header used to lower-case every name again.
    var lowercasedHeaders: LowercasedHeaders { LowercasedHeaders(headers.map { ($0.name.lowercased(), $0.value) }) }
}

/// Header lookup by lower-case name.
struct LowercasedHeaders {
    let headers: [(name: String, value: String)]
    init(_ headers: [(name: String, value: String)]) { self.headers = headers }

    func values(of name: String) -> [String] {
        var found: [String] = []
        for header in headers where header.name == name { found.append(header.value) }
        return found
    }
}

/// Verifies SigV4 `Authorization` headers for the server.
public struct SigV4Verifier: Sendable {
    /// The largest accepted difference between X-Amz-Date and the server's clock.
    public var maxClockSkew: Int64
    /// Shared by copies of this verifier.
    public let keyCache: SigningKeyCache

    public init(maxClockSkewSeconds: Int64 = 300, keyCache: SigningKeyCache = SigningKeyCache()) {
        maxClockSkew = maxClockSkewSeconds
        self.keyCache = keyCache
    }

    /// The access key id a request is signed with, when its one Authorization header parses; nil
    /// otherwise (`verify` then says what is wrong). For a caller whose key lookup cannot run
    /// inside `verify` (a database query is async): it looks the key up first, then verifies.
    public static func accessKeyId(of request: SigV4Request) -> String? {
        let authorizations = request.lowercasedHeaders.values(of: "authorization")
        guard authorizations.count == 1, let header = authorizations.first else { return nil }
        return try? SigV4Authorization.parse(header).accessKeyId
    }

    /// - Parameters:
    ///   - service: the route's signing name (`iot1click` or `a4b`); the credential scope must name it.
    ///   - lookup: the identity for an access key id, or nil if it is unknown.
    public func verify(_ request: SigV4Request, service: String, now: Date,
                       lookup: (String) -> SigV4Identity?) throws(SigV4Failure) -> SigV4Principal {
        let headers = request.lowercasedHeaders
        let authorizations = headers.values(of: "authorization")
        guard let header = authorizations.first, !header.isEmpty else {
            throw SigV4Failure(.missingAuthentication,
                               "Missing Authentication Token: sign the request with AWS Signature Version 4 (Authorization header).")
        }
        guard authorizations.count == 1 else {
            throw SigV4Failure(.incompleteSignature, "The request has more than one Authorization header; send exactly one.")
        }
        let auth = try SigV4Authorization.parse(header)

        guard let amzDateText = headers.values(of: "x-amz-date").first else {
            throw SigV4Failure(.incompleteSignature, "Authorization header requires existence of an 'X-Amz-Date' header.")
        }
        guard let amzDate = AmzDate(parsing: amzDateText) else {
            throw SigV4Failure(.incompleteSignature, "X-Amz-Date '\(amzDateText.prefix(40))' is not of the form YYYYMMDD'T'HHMMSS'Z'.")
        }
        guard auth.service == service else {
            throw SigV4Failure(.invalidScope, "Credential should be scoped to correct service: '\(service)'. The request is scoped to '\(auth.service)'.")
        }
        guard auth.day == amzDate.day else {
            throw SigV4Failure(.invalidScope, "Credential should be scoped to a valid date: the scope says \(auth.day) but X-Amz-Date is \(amzDateText).")
        }
        guard auth.signedHeaders.contains("host") else {
            throw SigV4Failure(.invalidScope, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard auth.signedHeaders.contains("x-amz-date") else {
            throw SigV4Failure(.invalidScope, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard let identity = lookup(auth.accessKeyId) else {
            throw SigV4Failure(.unrecognizedClient,
                               "The security token included in the request is invalid: access key id '\(auth.accessKeyId.prefix(128))' is not known to this service. Check the profile in your credentials file.")
        }

        let server = AmzDate(now)
        let skew = amzDate.secondsSince1970 - server.secondsSince1970
        if abs(skew) > maxClockSkew {
            let relation = skew < 0 ? "\(-skew) s behind" : "\(skew) s ahead of"
            throw SigV4Failure(.clockSkew(seconds: skew),
                               "Signature expired: the request time \(amzDate.timestamp) is \(relation) the server time \(server.timestamp), more than the \(maxClockSkew / 60) min allowed. Fix the client's clock (e.g. enable NTP) and retry.")
        }

        var signed: [(name: String, value: String)] = []
        signed.reserveCapacity(auth.signedHeaders.count)
        for name in auth.signedHeaders {
            // A signed header the request lacks signs as empty, so the signature will not match.
            let values = headers.values(of: name)
            if values.isEmpty { signed.append((name, "")) }
            for value in values { signed.append((name, value)) }
        }
        let canonical = CanonicalRequest(method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery,
                                         headers: signed, payload: request.body)
        let stringToSign = SigV4Crypto.stringToSignBytes(amzDate: amzDateText, scope: auth.scope, canonicalRequestHash: canonical.hash)
        var mac = keyCache.mac(accessKeyId: auth.accessKeyId, secret: identity.secretAccessKey, day: auth.day,
                               region: auth.region, service: auth.service)
        mac.update(data: stringToSign)
        let expected = Array(mac.finalize())
        guard let given = SigV4Crypto.unhex(auth.signature), SigV4Crypto.constantTimeEquals(expected, given) else {
            throw SigV4Failure(.signatureMismatch,
                               "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                               canonicalRequest: canonical.text, stringToSign: String(decoding: stringToSign, as: UTF8.self))
        }
        return SigV4Principal(name: identity.principal, accountId: identity.accountId, accessKeyId: auth.accessKeyId,
                              region: auth.region, generation: identity.generation,
                              signature: SigV4Crypto.hex(expected), signedAt: amzDate.secondsSince1970)
    }
}

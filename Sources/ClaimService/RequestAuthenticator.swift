/// What a signature check sees of a request: the raw request line parts, the headers, and the
/// body (whose SHA-256 is the payload hash).
public struct SignedRequest: Sendable {
    public var method: String
    /// The path exactly as received, still percent-encoded (SigV4 encodes it once more).
    public var rawPath: String
    /// The query string exactly as received, without `?`.
    public var rawQuery: String?
    /// Header names lowercased; repeated headers in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, rawPath: String, rawQuery: String?, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Verifies a request's SigV4 signature and says who sent it. A failure is a 403 with an AWS
/// common code (MissingAuthenticationTokenException, UnrecognizedClientException,
/// InvalidSignatureException, ...). Async, because a fleet's keys live in its database.
public protocol RequestAuthenticator: Sendable {
    /// `expectedService` is the signing name the route requires: `iot1click` or `a4b`.
    func authenticate(_ request: SignedRequest, expectedService: String) async -> Result<Authentication, ServiceError>
}

/// Who sent a request, and the signature that proved it.
public struct Authentication: Sendable, Equatable {
    public var caller: Caller
    /// nil when the request carried no signature (unsigned mode): nothing to remember.
    public var signature: VerifiedSignature?

    public init(caller: Caller, signature: VerifiedSignature?) {
        self.caller = caller
        self.signature = signature
    }
}

/// A signature that verified, as the service remembers it to refuse a replay.
public struct VerifiedSignature: Sendable, Hashable {
    /// The signature as the verifier computed it (lowercase hex): one spelling per signed request.
    public var value: String
    /// µs since the epoch from which the verifier refuses the request's X-Amz-Date as too old,
    /// so from which the signature need not be remembered.
    public var validUntil: Int64

    public init(value: String, validUntil: Int64) {
        self.value = value
        self.validUntil = validUntil
    }
}

/// Why a request failed SigV4 verification. Each maps to one of the three AWS common 403 codes the
/// service answers with (MissingAuthenticationToken, UnrecognizedClient, InvalidSignature; see
/// ARCHITECTURE.md, "Errors by protocol"); the message says what is wrong and what to do, in AWS's
/// wording where AWS has one.
public struct SigV4Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No Authorization header.
        case missingAuthentication
        /// An Authorization header that is not a well-formed SigV4 header, or no X-Amz-Date.
        case incompleteSignature
        /// The access key id is not in the credentials file (or its rotation grace has ended).
        case unrecognizedClient
        /// The scope names another service or date, or Host is not signed.
        case invalidScope
        /// The signature does not match the one computed here.
        case signatureMismatch
        /// The request's X-Amz-Date is further from the server's clock than the limit; the
        /// value is request time minus server time, in seconds.
        case clockSkew(seconds: Int64)
    }

    public let reason: Reason
    public let message: String
    /// For a mismatch: what the server computed, for its logs (never secret material).
    public let canonicalRequest: String?
    public let stringToSign: String?

    public init(_ reason: Reason, _ message: String, canonicalRequest: String? = nil, stringToSign: String? = nil) {
        self.reason = reason
        self.message = message
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
    }

    /// The AWS error code to answer with.
    public var code: String {
        switch reason {
        case .missingAuthentication: "MissingAuthenticationTokenException"
        case .unrecognizedClient: "UnrecognizedClientException"
        // The service uses only those three common codes, so a malformed header is an invalid
        // signature too (its message says what is malformed).
        case .incompleteSignature, .invalidScope, .signatureMismatch, .clockSkew: "InvalidSignatureException"
        }
    }

    /// Every authentication failure answers 403.
    public var httpStatus: Int { 403 }

    public var description: String { "\(code): \(message)" }
}

/// AWS common error codes for cases neither model names (authentication, body size, A4B field
/// validation, unknown routes). Rendered in each protocol's own error shape.
public enum CommonErrorCode: String, Codable, Sendable, CaseIterable {
    case missingAuthenticationToken = "MissingAuthenticationTokenException"
    case unrecognizedClient = "UnrecognizedClientException"
    case invalidSignature = "InvalidSignatureException"
    case requestEntityTooLarge = "RequestEntityTooLargeException"
    case validation = "ValidationException"
    case unknownOperation = "UnknownOperationException"

    public var httpStatus: Int {
        switch self {
        case .missingAuthenticationToken, .unrecognizedClient, .invalidSignature: 403
        case .requestEntityTooLarge: 413
        case .validation: 400
        case .unknownOperation: 404
        }
    }
}

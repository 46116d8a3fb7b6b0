/// An error answer from the service: its HTTP status, AWS error code and message.
public struct AWSServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let statusCode: Int
    /// e.g. `ResourceNotFoundException`; the HTTP status as a string when the answer names none.
    public let code: String
    public let message: String
    public let requestId: String?
    /// ClickBridge's machine-readable reason (`x-clickbridge-reason`), when the service sent one.
    public let reason: String?

    public init(statusCode: Int, code: String, message: String, requestId: String? = nil, reason: String? = nil) {
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestId = requestId
        self.reason = reason
    }

    public var description: String {
        message.isEmpty ? "\(code) (HTTP \(statusCode))" : "\(code) (HTTP \(statusCode)): \(message)"
    }
}

/// Why a client call failed.
public enum OneClickClientError: Error, Sendable, CustomStringConvertible {
    /// The service answered with an error.
    case service(AWSServiceError)
    /// No answer: the connection failed on every attempt.
    case connection(endpoint: String, attempts: Int, reason: String)
    /// A success status with a body that is not the expected JSON.
    case malformedResponse(operation: String, reason: String)
    /// The call could not be made as asked (e.g. a bad endpoint URL).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .service(let error):
            error.description
        case let .connection(endpoint, attempts, reason):
            "cannot reach \(endpoint) (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(reason); is the service running there?"
        case let .malformedResponse(operation, reason):
            "\(operation): the service's answer is not valid: \(reason)"
        case .invalidRequest(let reason):
            reason
        }
    }

    /// The service error, if that is what this is.
    public var serviceError: AWSServiceError? {
        if case .service(let error) = self { return error }
        return nil
    }
}

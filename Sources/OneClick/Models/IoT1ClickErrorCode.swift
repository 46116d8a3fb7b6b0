/// The seven modeled iot1click-devices exceptions and their HTTP statuses.
/// The raw value is what goes in `x-amzn-ErrorType` and the body's `code` (never a numeric string:
/// botocore would then not map it to the exception class).
public enum IoT1ClickErrorCode: String, Codable, Sendable, CaseIterable {
    case invalidRequest = "InvalidRequestException"
    case forbidden = "ForbiddenException"
    case resourceNotFound = "ResourceNotFoundException"
    case resourceConflict = "ResourceConflictException"
    case preconditionFailed = "PreconditionFailedException"
    case rangeNotSatisfiable = "RangeNotSatisfiableException"
    case internalFailure = "InternalFailureException"

    public var httpStatus: Int {
        switch self {
        case .invalidRequest: 400
        case .forbidden: 403
        case .resourceNotFound: 404
        case .resourceConflict: 409
        case .preconditionFailed: 412
        case .rangeNotSatisfiable: 416
        case .internalFailure: 500
        }
    }
}

/// The error body of every iot1click-devices exception: `{"code":"<Exception>","message":"…"}`.
public struct IoT1ClickErrorBody: Codable, Sendable, Equatable {
    public var code: String?
    public var message: String?
    public init(code: String? = nil, message: String? = nil) {
        self.code = code
        self.message = message
    }
}

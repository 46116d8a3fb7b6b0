import OneClick

/// An error answer of the service: the exception name that goes on the wire, its HTTP status and a
/// message that says what is wrong and what to do. How it is rendered depends on the protocol of
/// the route (see `ErrorRendering`).
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var status: Int
    public var message: String
    /// A machine-readable reason, sent in its own header (`ClaimRefusalReason.header`) so the body
    /// stays exactly the model's.
    public var reason: String?

    public init(code: String, status: Int, message: String, reason: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.reason = reason
    }

    public init(_ code: IoT1ClickErrorCode, _ message: String) {
        self.init(code: code.rawValue, status: code.httpStatus, message: message)
    }

    public init(_ code: CommonErrorCode, _ message: String) {
        self.init(code: code.rawValue, status: code.httpStatus, message: message)
    }

    public init(_ code: A4BErrorCode, _ message: String) {
        self.init(code: code.rawValue, status: code.httpStatus, message: message)
    }

    public var description: String { "\(status) \(code): \(message)" }

    static func invalidRequest(_ m: String) -> Self { .init(.invalidRequest, m) }
    static func notFound(_ m: String) -> Self { .init(.resourceNotFound, m) }
    package static func conflict(_ m: String) -> Self { .init(.resourceConflict, m) }
    static func precondition(_ reason: ClaimRefusalReason, _ m: String) -> Self {
        var error = Self(.preconditionFailed, m)
        error.reason = reason.rawValue
        return error
    }
    package static func forbidden(_ m: String) -> Self { .init(.forbidden, m) }
    static func range(_ m: String) -> Self { .init(.rangeNotSatisfiable, m) }
    static func validation(_ m: String) -> Self { .init(CommonErrorCode.validation, m) }

    /// The answer for a device the caller may not see: the same whether it does not exist or
    /// belongs to someone else, so an account learns nothing about other accounts' devices.
    package static func noSuchDevice(_ deviceId: String) -> Self {
        .notFound("device \(deviceId) not found: it does not exist or is not claimed by your account")
    }
}

import HTTPTypes
import Hummingbird
import NIOCore
import OneClick

/// Renders a `ServiceError` the way each protocol's SDK reads it (ARCHITECTURE.md, "Errors by protocol"):
/// - rest-json: `{"code","message"}`, `Content-Type: application/json`, `x-amzn-ErrorType`;
/// - JSON 1.1: `{"__type","Message"}`, `Content-Type: application/x-amz-json-1.1` (and
///   `x-amzn-ErrorType`, which botocore ignores but other SDKs read).
enum ErrorRendering {
    static func response(for error: ServiceError, protocol wire: WireProtocol, requestId: String) -> Response {
        let body: [UInt8]
        let contentType: String
        switch wire {
        case .restJSON:
            body = JSONWire.encode(IoT1ClickErrorBody(code: error.code, message: error.message))
            contentType = "application/json"
        case .json11:
            body = JSONWire.encode(A4BErrorBody(type: error.code, message: error.message))
            contentType = "application/x-amz-json-1.1"
        }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[HTTPField.Name.amznErrorType] = error.code
        headers[HTTPField.Name.amznRequestId] = requestId
        if let reason = error.reason { headers[HTTPField.Name.clickBridgeReason] = reason }
        return Response(
            status: .init(code: error.status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

extension HTTPField.Name {
    static let amznErrorType = Self("x-amzn-ErrorType")!
    static let amznRequestId = Self("x-amzn-RequestId")!
    static let amzTarget = Self("X-Amz-Target")!
    static let clickBridgeReason = Self(ClaimRefusalReason.header)!
}

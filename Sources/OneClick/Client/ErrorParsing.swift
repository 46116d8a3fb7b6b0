import Foundation

/// The two AWS protocols spoken here, which differ in how errors are named.
public enum AWSProtocol: Sendable {
    /// iot1click-devices and the device-side calls.
    case restJSON
    /// Alexa for Business (`X-Amz-Target`).
    case json11
}

/// Reads an error answer the way botocore 1.34.120 does (ARCHITECTURE.md, "Errors by protocol").
enum ErrorParsing {
    static func parse(protocol proto: AWSProtocol, statusCode: Int, headers: [(name: String, value: String)], body: [UInt8]) -> AWSServiceError {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        func string(_ key: String) -> String? {
            (object[key] as? String).flatMap { $0.isEmpty ? nil : $0 }
        }
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        }
        var code: String?
        switch proto {
        case .restJSON:
            code = header("x-amzn-errortype") ?? string("code") ?? string("Code") ?? string("__type")
        case .json11:
            // botocore reads only `__type` for this protocol.
            code = string("__type")
        }
        let message = string("message") ?? string("Message") ?? ""
        return AWSServiceError(statusCode: statusCode, code: code.map(cleanCode) ?? String(statusCode),
                               message: message, requestId: header("x-amzn-requestid"), reason: header(ClaimRefusalReason.header))
    }

    /// Drops anything from the first `:` on, and anything up to a `#`:
    /// `com.amazonaws.x#NotFoundException:http://…` is `NotFoundException`.
    static func cleanCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return String(code)
    }
}

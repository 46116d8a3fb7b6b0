import Foundation

/// JSON encoding and decoding for the wire. Decoding failures become `ServiceError`s that say
/// which member is wrong, so malformed bodies are a 400, never a crash.
enum JSONWire {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own model types cannot fail; an empty object is a safe fallback anyway.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    static func encodeString<T: Encodable>(_ value: T) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Every request body must be UTF-8 (JSON text is): checked once, for every route, before any
    /// handler reads the body, and answered with the protocol's 400.
    static func requireUTF8(_ body: [UInt8], as wire: WireProtocol) throws(ServiceError) {
        guard let offset = firstInvalidUTF8(body) else { return }
        let byte = String(body[offset], radix: 16, uppercase: true)
        throw make("the request body is not valid UTF-8 (byte 0x\(byte.count == 1 ? "0" + byte : byte) at offset \(offset)): send JSON text encoded as UTF-8", wire)
    }

    /// Refuses a body whose JSON holds the escape `\u0000` (NUL), with the protocol's 400. GRDB
    /// binds a string as a C string, so SQLite would keep it only up to the NUL: a tag value
    /// "a\u0000b" would be stored as "a" and answered 200.
    static func requireNoNUL(_ body: [UInt8], as wire: WireProtocol) throws(ServiceError) {
        guard let offset = firstEscapedNUL(body) else { return }
        throw make("the request body holds \\u0000 (NUL) at offset \(offset), which this service cannot store: remove it", wire)
    }

    /// The offset of the first `\u0000` escape in JSON text: a backslash that is not itself
    /// escaped, then `u0000`. (JSON has backslashes only inside strings, and raw NUL bytes are
    /// not allowed there, so this is the only way a NUL gets in.)
    static func firstEscapedNUL(_ bytes: [UInt8]) -> Int? {
        let escapedNUL = Array("u0000".utf8)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            if bytes.count - i > escapedNUL.count, bytes[(i + 1)...(i + escapedNUL.count)].elementsEqual(escapedNUL) { return i }
            i += 2  // past the escaped character, which may itself be a backslash
        }
        return nil
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Decodes a request body. An empty body decodes as `{}` (botocore sends no body when no body
    /// member is set on some operations).
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], as wire: WireProtocol) throws(ServiceError) -> T {
        let data = body.isEmpty ? Data("{}".utf8) : Data(body)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Self.error(for: error, wire: wire)
        } catch {
            throw Self.make("the request body is not valid JSON", wire)
        }
    }

    /// Parses a body into a JSON object, for handlers that validate member by member.
    static func object(from body: [UInt8], as wire: WireProtocol) throws(ServiceError) -> [String: Any] {
        let data = body.isEmpty ? Data("{}".utf8) : Data(body)
        guard let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw Self.make("the request body is not valid JSON", wire)
        }
        guard let object = any as? [String: Any] else {
            throw Self.make("the request body must be a JSON object", wire)
        }
        return object
    }

    static func make(_ message: String, _ wire: WireProtocol) -> ServiceError {
        switch wire {
        case .restJSON: .invalidRequest(message)
        case .json11: .validation(message)
        }
    }

    static func error(for error: DecodingError, wire: WireProtocol) -> ServiceError {
        func path(_ ctx: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = ctx.codingPath.map(\.stringValue) + (key.map { [$0.stringValue] } ?? [])
            return keys.isEmpty ? "the body" : "'" + keys.joined(separator: ".") + "'"
        }
        switch error {
        case .typeMismatch(let type, let ctx):
            return make("\(path(ctx)) has the wrong type: expected \(jsonTypeName(type))", wire)
        case .valueNotFound(let type, let ctx):
            return make("\(path(ctx)) must not be null: expected \(jsonTypeName(type))", wire)
        case .keyNotFound(let key, let ctx):
            return make("\(path(ctx, key)) is required", wire)
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty
                ? make("the request body is not valid JSON", wire)
                : make("\(path(ctx)) is invalid", wire)
        @unknown default:
            return make("the request body is invalid", wire)
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default:
            String(describing: type).hasPrefix("Dictionary") ? "an object" :
                String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}

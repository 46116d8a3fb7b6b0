/// A successful answer, independent of HTTP plumbing.
struct Reply: Sendable, Equatable {
    var status: Int
    /// nil: no body (204).
    var body: [UInt8]?

    static func ok<T: Encodable>(_ value: T) -> Reply { Reply(status: 200, body: JSONWire.encode(value)) }
    static let noContent = Reply(status: 204, body: nil)
}

/// What a handler gets besides the operation itself.
struct OperationInput: Sendable {
    var caller: Caller
    var query: QueryParameters
    var body: [UInt8]
    /// The service's clock at receipt, µs.
    var now: Int64
}

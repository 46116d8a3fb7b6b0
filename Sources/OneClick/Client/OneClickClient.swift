import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the IoT 1-Click Devices API (plus the device-side calls and Alexa for Business
/// RegisterAVSDevice), signing every request with SigV4 as botocore does.
public struct OneClickClient: Sendable {
    public let endpoint: URL
    public let credentials: ClientCredentials
    public let region: String
    public var retry: RetryPolicy
    /// Per attempt.
    public var timeout: Duration
    /// A clock for X-Amz-Date; tests move it to provoke skew.
    public var now: @Sendable () -> Date
    private let httpClient: HTTPClient
    private let host: String
    private let basePath: String

    /// - Parameters:
    ///   - endpoint: e.g. `http://127.0.0.1:8787`; a path, if any, prefixes every request.
    ///   - region: the credential scope's region; the profile's region, else `us-east-1`, when nil.
    public init(endpoint: URL, credentials: ClientCredentials, region: String? = nil, retry: RetryPolicy = .client,
                timeout: Duration = .seconds(30), httpClient: HTTPClient = OneClickClient.defaultHTTPClient,
                now: @escaping @Sendable () -> Date = { Date() }) throws(OneClickClientError) {
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let hostName = endpoint.host, !hostName.isEmpty else {
            throw .invalidRequest("endpoint '\(endpoint.absoluteString)' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8787")
        }
        self.endpoint = endpoint
        self.credentials = credentials
        self.region = region ?? credentials.region ?? "us-east-1"
        self.retry = retry
        self.timeout = timeout
        self.httpClient = httpClient
        self.now = now
        host = SigV4Signer.hostHeader(scheme: scheme, host: hostName, port: endpoint.port)
        var path = endpoint.path
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
    }

    /// Parses `endpoint` as a URL first.
    public init(endpoint: String, credentials: ClientCredentials, region: String? = nil, retry: RetryPolicy = .client,
                timeout: Duration = .seconds(30), httpClient: HTTPClient = OneClickClient.defaultHTTPClient) throws(OneClickClientError) {
        guard let url = URL(string: endpoint) else {
            throw .invalidRequest("endpoint '\(endpoint)' is not a URL; use e.g. http://127.0.0.1:8787")
        }
        try self.init(endpoint: url, credentials: credentials, region: region, retry: retry, timeout: timeout, httpClient: httpClient)
    }

    /// A process-wide HTTP client that reports a refused connection at once instead of retrying
    /// it until the request's deadline (AsyncHTTPClient's default): `RetryPolicy` decides about
    /// retries, with backoff, so a CLI pointed at a stopped service fails in well under a second.
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        // Never shut down, like HTTPClient.shared: it lives as long as the process.
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    // MARK: Sending

    /// One operation's request, before signing.
    struct Operation {
        var name: String
        var method: HTTPMethod
        /// Already percent-encoded.
        var path: String
        var query: [(String, String)] = []
        var body: [UInt8]? = nil
        var contentType: String? = nil
        var target: String? = nil
        var service: String = "iot1click"
        var proto: AWSProtocol = .restJSON
    }

    /// Sends with retries and returns the body of a 2xx answer; throws the service's error otherwise.
    func send(_ operation: Operation) async throws(OneClickClientError) -> [UInt8] {
        let rawQuery = operation.query.map { "\(AWSPercentEncoding.encode($0.0))=\(AWSPercentEncoding.encode($0.1))" }.joined(separator: "&")
        let rawPath = basePath + operation.path
        let signer = SigV4Signer(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                                 region: region, service: operation.service)
        var signedExtras: [(name: String, value: String)] = []
        if let contentType = operation.contentType { signedExtras.append(("Content-Type", contentType)) }
        if let target = operation.target { signedExtras.append(("X-Amz-Target", target)) }
        let body = operation.body ?? []
        let url = "\(endpoint.scheme!.lowercased())://\(host)\(rawPath)\(rawQuery.isEmpty ? "" : "?" + rawQuery)"
        // botocore's headers, but signed: a fresh id for each call and the attempt number for
        // each try make every request's signature unique, so the service, which refuses a
        // signature it has seen (replay protection), never mistakes a poll or a retry for a replay.
        let invocationId = UUID.random().lowercasedString

        var attempt = 0
        while true {
            attempt += 1
            let sdkHeaders: [(name: String, value: String)] = [
                (Self.invocationIdHeader, invocationId),
                (Self.attemptHeader, "attempt=\(attempt); max=\(retry.maxAttempts)"),
            ]
            // Signed afresh each attempt, so a retry after a long wait still has a current date.
            let signature = signer.sign(method: operation.method.rawValue, host: host, rawPath: rawPath, rawQuery: rawQuery,
                                        headers: signedExtras + sdkHeaders, body: body, date: now())
            var request = HTTPClientRequest(url: url)
            request.method = operation.method
            for (name, value) in signature.headers { request.headers.replaceOrAdd(name: name, value: value) }
            request.headers.add(name: "User-Agent", value: "clickbridge-oneclick/1")
            if let bodyBytes = operation.body {
                request.body = .bytes(ByteBuffer(bytes: bodyBytes))
            } else if operation.method == .PUT || operation.method == .POST {
                request.headers.replaceOrAdd(name: "Content-Length", value: "0")
            }

            let outcome: Result<(status: Int, headers: [(name: String, value: String)], body: [UInt8]), Error>
            do {
                let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.totalNanoseconds))
                let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
                outcome = .success((Int(response.status.code), response.headers.map { ($0.name, $0.value) },
                                    Array(buffer.readableBytesView)))
            } catch {
                outcome = .failure(error)
            }
            if Task.isCancelled {
                throw .connection(endpoint: endpoint.absoluteString, attempts: attempt, reason: "cancelled")
            }
            switch outcome {
            case .success(let answer):
                let verdict = retry.verdict(status: answer.status)
                if verdict == .success { return answer.body }
                guard verdict == .retry, retry.allowsAttempt(after: attempt) else {
                    throw .service(ErrorParsing.parse(protocol: operation.proto, statusCode: answer.status,
                                                      headers: answer.headers, body: answer.body))
                }
            case .failure(let error):
                guard retry.connectionFailureVerdict == .retry, retry.allowsAttempt(after: attempt) else {
                    throw .connection(endpoint: endpoint.absoluteString, attempts: attempt, reason: describe(error))
                }
            }
            let delay = retry.delay(afterAttempt: attempt)
            if delay > 0 {
                do { try await Task.sleep(for: .seconds(delay)) } catch {
                    throw .connection(endpoint: endpoint.absoluteString, attempts: attempt, reason: "cancelled")
                }
            }
        }
    }

    /// The call's id, the same on each of its attempts (botocore's name).
    public static let invocationIdHeader = "amz-sdk-invocation-id"
    /// `attempt=N; max=M` (botocore's name and form).
    public static let attemptHeader = "amz-sdk-request"

    /// Sends and decodes a JSON answer (an empty body decodes as `{}`, as botocore reads it).
    func call<Response: Decodable>(_ operation: Operation, as type: Response.Type) async throws(OneClickClientError) -> Response {
        let body = try await send(operation)
        do {
            return try JSONDecoder().decode(Response.self, from: body.isEmpty ? Data("{}".utf8) : Data(body))
        } catch {
            throw .malformedResponse(operation: operation.name, reason: "\(error)")
        }
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these shapes (strings, numbers, maps) cannot fail.
        return Array(try! encoder.encode(value))
    }

    /// A short reason for a failed attempt ("connection refused", "no answer within 30 s").
    func describe(_ error: Error) -> String {
        if let io = error as? IOError {
            return io.errnoCode == ECONNREFUSED ? "connection refused" : String(cString: strerror(io.errnoCode))
        }
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded { return "no answer within \(timeout.components.seconds) s" }
            if client == .connectTimeout { return "connecting timed out" }
            return "\(client)"
        }
        return String(describing: error)
    }

    /// A query timestamp: ISO-8601 UTC with milliseconds (the service reads botocore's forms too).
    static func timestamp(_ date: Date) -> String {
        WireTimestamp(secondsSinceEpoch: date.timeIntervalSince1970).formatted
    }

    /// A URI label: percent-encoded, `/` and `:` included, as botocore encodes them.
    static func label(_ value: String) -> String { AWSPercentEncoding.encode(value) }
}

extension Duration {
    var totalNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

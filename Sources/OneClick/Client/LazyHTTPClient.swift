import AsyncHTTPClient
import NIOCore
import Synchronization

/// An `HTTPClient` made on first use, on NIO's singleton loops, and shut down once: a process
/// that never calls out (no webhook, no callback) holds no client, no pool and no timer.
/// Redirects are refused: a webhook or callback URL is called as given.
public final class LazyHTTPClient: Sendable {
    private let connectTimeout: TimeAmount?
    private let dnsOverride: [String: String]
    private let client = Mutex<HTTPClient?>(nil)

    /// - Parameter dnsOverride: host names mapped to the address to connect to instead of looking
    ///   them up (the `Host` header and TLS still use the name).
    public init(connectTimeout: TimeAmount? = nil, dnsOverride: [String: String] = [:]) {
        self.connectTimeout = connectTimeout
        self.dnsOverride = dnsOverride
    }

    public var http: HTTPClient {
        client.withLock { c in
            if let c { return c }
            var config = HTTPClient.Configuration()
            config.redirectConfiguration = .disallow
            if let connectTimeout { config.timeout.connect = connectTimeout }
            config.dnsOverride = dnsOverride
            // An idle connection closes after this; then the client holds no timer.
            config.connectionPool.idleTimeout = .seconds(30)
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            c = made
            return made
        }
    }

    public func shutdown() async {
        let made = client.withLock { c -> HTTPClient? in
            defer { c = nil }
            return c
        }
        try? await made?.shutdown()
    }
}

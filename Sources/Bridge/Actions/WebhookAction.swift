import OneClick
import Presses

/// `webhook: {url, method, headers, secret, timeout, retries}`: an HTTP request carrying the
/// event JSON (the 1-Click button payload) as its body.
public struct WebhookAction: Sendable, Equatable {
    public var url: String
    /// POST, PUT or PATCH.
    public var method: String
    /// Sent as given, in order; they may not replace the ClickBridge headers.
    public var headers: [Header]
    /// When set, `X-ClickBridge-Signature: sha256=<hex HMAC-SHA256 of the body with this key>`.
    public var secret: String?
    /// For one attempt, connection and answer included.
    public var timeout: Span
    /// Further attempts after a connection error, a timeout, 429 or 5xx; 0 tries once.
    public var retries: Int

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(url: String, method: String = "POST", headers: [Header] = [], secret: String? = nil,
                timeout: Span = WebhookAction.defaultTimeout, retries: Int = WebhookAction.defaultRetries) {
        self.url = url
        self.method = method
        self.headers = headers
        self.secret = secret
        self.timeout = timeout
        self.retries = retries
    }

    public static let defaultTimeout = Span.seconds(10)
    /// Five retries with the default backoff span about 15 s: enough for a Home Assistant restart
    /// to be a blip, short enough that a press is not acted on minutes late.
    public static let defaultRetries = 5
    public static let maxRetries = 20
    public static let methods = ["POST", "PUT", "PATCH"]

    /// Header names the sender sets itself.
    public static let signatureHeader = "X-ClickBridge-Signature"
    public static let eventIdHeader = EventPost.eventIdHeader
    public static let reservedHeaders = ["content-length", "host", "transfer-encoding",
                                         signatureHeader.lowercased(), eventIdHeader.lowercased()]

    /// The URL without its query, which for many services (ntfy tokens, Node-RED) holds a secret.
    public var redactedURL: String {
        guard let q = url.firstIndex(of: "?") else { return url }
        return String(url[..<q]) + "?…"
    }
}

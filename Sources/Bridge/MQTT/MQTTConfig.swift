import Foundation
import Presses

/// The `mqtt:` block of the `run` configuration (ARCHITECTURE.md, "MQTT and Home Assistant"): where
/// the broker is, how to log in, and the names that make up the topics.
public struct MQTTConfig: Sendable, Equatable {
    public enum ProtocolVersion: String, Sendable, CaseIterable {
        case v311 = "3.1.1"
        case v5 = "5"
    }

    public var host: String
    public var port: Int
    /// `mqtts://`: TLS, verified against `ca` (else the system's CA directory).
    public var tls: Bool
    public var ca: String?
    /// A client certificate and its key, given together.
    public var cert: String?
    public var key: String?
    public var username: String?
    /// A file holding the password (its first line), unreadable by others.
    public var passwordFile: String?
    /// The line of each key in the configuration, for located errors about the files they name.
    public var keyLines: [String: Int] = [:]
    /// Already made topic-safe: lower case, `[a-z0-9_-]` only.
    public var node: String
    public var baseTopic: String
    public var discoveryPrefix: String
    public var discovery: Bool
    /// A press older than this when the broker is back is logged and counted, not sent.
    public var maxAge: Span
    /// Whole seconds; one PINGREQ per interval is all an idle connection costs.
    public var keepalive: Int
    public var protocolVersion: ProtocolVersion

    public init(host: String, port: Int, tls: Bool = false, ca: String? = nil, cert: String? = nil, key: String? = nil,
                username: String? = nil, passwordFile: String? = nil, node: String = MQTTConfig.defaultNode(),
                baseTopic: String = "clickbridge", discoveryPrefix: String = "homeassistant", discovery: Bool = true,
                maxAge: Span = .seconds(10), keepalive: Int = 60, protocolVersion: ProtocolVersion = .v5) {
        self.host = host
        self.port = port
        self.tls = tls
        self.ca = ca
        self.cert = cert
        self.key = key
        self.username = username
        self.passwordFile = passwordFile
        self.node = node
        self.baseTopic = baseTopic
        self.discoveryPrefix = discoveryPrefix
        self.discovery = discovery
        self.maxAge = maxAge
        self.keepalive = keepalive
        self.protocolVersion = protocolVersion
    }

    /// `mqtt://host:port` or `mqtts://…`, as status and logs show it.
    public var brokerText: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "mqtts" : "mqtt")://\(h):\(port)"
    }

    /// The broker, node and topics, as `run`'s banner and `check`'s summary show them.
    public var summary: String {
        "\(brokerText) as node \(node)\(username.map { " (user \($0))" } ?? ""), topics \(baseTopic)/\(node)/…"
            + (discovery ? ", Home Assistant discovery under \(discoveryPrefix)/" : ", no Home Assistant discovery")
    }

    /// The hostname, made topic-safe.
    public static func defaultNode() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "clickbridge"
        return MQTTNames.topicSafe(name.split(separator: ".").first.map(String.init) ?? name)
    }

    /// Relative certificate and password paths are relative to the configuration file.
    mutating func resolvePaths(_ resolve: (String) -> String) {
        ca = ca.map(resolve)
        cert = cert.map(resolve)
        key = key.map(resolve)
        passwordFile = passwordFile.map(resolve)
    }
}

/// How names become topic levels and Home Assistant ids.
public enum MQTTNames {
    /// Lower case, anything outside `[a-z0-9_-]` replaced by `_` (hardware/home-assistant.md). Home Assistant's
    /// discovery ids allow exactly these characters too.
    public static func topicSafe(_ name: String) -> String {
        let mapped = name.lowercased().unicodeScalars.map { s -> Character in
            switch s {
            case "a"..."z", "0"..."9", "_", "-": Character(s)
            default: "_"
            }
        }
        let text = String(mapped)
        return text.isEmpty ? "_" : text
    }

    /// The topic level of a press's button: `Press.button` as the loop names it (`NAME:KEY` for a
    /// button with several keys, which becomes `name_key`).
    public static func buttonLevel(_ button: String) -> String { topicSafe(button) }
}

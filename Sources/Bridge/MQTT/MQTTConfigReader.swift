import Foundation
import Presses
import Yams

/// Reads the `mqtt:` block, with the same located errors as the rest of the configuration.
struct MQTTConfigReader {
    let reader: NodeReader

    static let keys = ["broker", "ca", "cert", "key", "username", "passwordFile", "node", "baseTopic", "discoveryPrefix",
                       "discovery", "maxAge", "keepalive", "protocol"]

    func read(_ node: Node) throws(ConfigError) -> MQTTConfig {
        let key = "mqtt"
        let map = try reader.mapping(node, key: key)
        try reader.onlyKeys(map, Self.keys, at: key)
        let brokerRule = "mqtt://HOST[:PORT] (1883 by default) or mqtts://HOST[:PORT] (TLS, 8883 by default)"
        guard let brokerNode = map.value("broker") else {
            throw reader.error(node, "\(key).broker", "missing; give \(brokerRule)")
        }
        let brokerText = try reader.text(brokerNode, key: "\(key).broker", allowed: brokerRule)
        guard let (host, port, tls) = Self.broker(brokerText) else {
            throw reader.error(brokerNode, "\(key).broker", "'\(brokerText)' is not allowed; use \(brokerRule)")
        }
        var config = MQTTConfig(host: host, port: port, tls: tls)
        for entry in map.entries { config.keyLines[entry.key] = entry.keyNode.mark?.line ?? 0 }

        for name in ["ca", "cert", "key"] {
            guard let n = map.value(name) else { continue }
            guard tls else {
                throw reader.error(n, "\(key).\(name)", "is for TLS only; make the broker mqtts://… or remove \(name)")
            }
            let path = try reader.path(n, key: "\(key).\(name)")
            switch name {
            case "ca": config.ca = path
            case "cert": config.cert = path
            default: config.key = path
            }
        }
        if (config.cert == nil) != (config.key == nil) {
            let given = config.cert == nil ? "key" : "cert"
            throw reader.error(map.value(given)!, "\(key).\(given)", "a client certificate needs both cert and key; give the other one too")
        }
        if let n = map.value("username") {
            config.username = try reader.text(n, key: "\(key).username", allowed: "the broker user name")
        }
        if let n = map.value("passwordFile") {
            guard config.username != nil else {
                throw reader.error(n, "\(key).passwordFile", "needs username; give the user name the password belongs to")
            }
            config.passwordFile = try reader.path(n, key: "\(key).passwordFile")
        }
        if let n = map.value("node") {
            let text = try reader.text(n, key: "\(key).node", allowed: "a name for this machine (porch-pi)")
            config.node = MQTTNames.topicSafe(text)
        }
        if let n = map.value("baseTopic") { config.baseTopic = try topicPrefix(n, key: "\(key).baseTopic") }
        if let n = map.value("discoveryPrefix") { config.discoveryPrefix = try topicPrefix(n, key: "\(key).discoveryPrefix") }
        if let n = map.value("discovery") { config.discovery = try reader.bool(n, key: "\(key).discovery") }
        if let n = map.value("maxAge") {
            config.maxAge = try reader.duration(n, key: "\(key).maxAge")
            guard config.maxAge >= .zero else { throw reader.error(n, "\(key).maxAge", "must not be negative; use 0s or more (10s by default)") }
        }
        if let n = map.value("keepalive") {
            let span = try reader.duration(n, key: "\(key).keepalive")
            // libmosquitto refuses less than 5 s, and MQTT's field holds at most 65535 s.
            guard span.nanoseconds % 1_000_000_000 == 0, (5...65535).contains(span.nanoseconds / 1_000_000_000) else {
                throw reader.error(n, "\(key).keepalive", "\(span) is not allowed; use whole seconds from 5s to 65535s (60s by default)")
            }
            config.keepalive = Int(span.nanoseconds / 1_000_000_000)
        }
        if let n = map.value("protocol") {
            // `5` and `3.1.1` as YAML writes them; a plain 5.0 is not a version MQTT has.
            config.protocolVersion = try reader.choice(n, key: "\(key).protocol", MQTTConfig.ProtocolVersion.self)
        }
        return config
    }

    /// A topic prefix: levels of anything but MQTT's wildcards, no empty level.
    private func topicPrefix(_ node: Node, key: String) throws(ConfigError) -> String {
        let rule = "one or more topic levels separated by '/', without +, # or empty levels (clickbridge, home/buttons)"
        let text = try reader.text(node, key: key, allowed: rule)
        let levels = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !levels.contains(where: { $0.isEmpty || $0.contains("+") || $0.contains("#") || $0.contains("\0") }) else {
            throw reader.error(node, key, "'\(text)' is not allowed; use \(rule)")
        }
        return text
    }

    /// Host, port and TLS of `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]`; nothing else in the URL.
    static func broker(_ text: String) -> (String, Int, Bool)? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "mqtt" || scheme == "mqtts", let host = url.host, !host.isEmpty,
              url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil, url.user == nil else { return nil }
        let tls = scheme == "mqtts"
        let port = url.port ?? (tls ? 8883 : 1883)
        guard (1...65535).contains(port) else { return nil }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return (bare, port, tls)
    }
}

import Foundation
import Lines
import Presses
import Yams

/// Reads a button's `on:` value from the composed YAML node, strictly: every unknown key and bad
/// value is an `ActionConfigError` with its line, its key path and what is allowed.
///
/// ```yaml
/// on:
///   SINGLE: { exec: ["/usr/bin/mpc", "toggle"], timeout: 5s }
///   DOUBLE: { webhook: { url: "http://ha.local:8123/api/webhook/porch", secret: "s3cret" } }
///   LONG:   [ { exec: ["alarm-off"] }, { webhook: { url: "https://ntfy.sh/porch", method: PUT } } ]
///   TRIPLE: { exec: ["/usr/local/bin/scene", "night"] }
/// ```
///
/// Keys are gesture names (`Gesture.Name`); a gesture the button's timing never produces (TRIPLE
/// with `maxPresses: 2`) is accepted and simply never runs.
///
/// Keys are read as the strings written (Yams' composed nodes), so the caller's `on` key is the
/// string "on" and never YAML 1.1's boolean true.
public enum ActionParser {
    /// `key` is the path of the `on:` value itself, e.g. `buttons[0].on`.
    public static func parse(_ node: Node, key: String) throws(ActionConfigError) -> ButtonActions {
        let entries = try mapping(node, key: key)
        var result = ButtonActions()
        let allowed = Gesture.Name.allCases.map(\.rawValue)
        for (name, keyNode, value) in entries {
            let path = "\(key).\(name)"
            guard let gesture = Gesture.Name(rawValue: name) else {
                throw error(keyNode, path, "unknown gesture; allowed here: \(allowed.joined(separator: ", "))")
            }
            let actionNodes: [(Node, String)]
            switch value {
            case .sequence(let seq):
                guard !seq.isEmpty else { throw error(value, path, "is an empty list; give at least one action, or leave \(name) out") }
                actionNodes = seq.enumerated().map { ($1, "\(path)[\($0)]") }
            default:
                actionNodes = [(value, path)]
            }
            var actions: [Action] = []
            for (n, p) in actionNodes { actions.append(try action(n, key: p)) }
            result.byGesture[gesture] = actions
        }
        return result
    }

    static func action(_ node: Node, key: String) throws(ActionConfigError) -> Action {
        let rule = "a mapping with exec: [command, args…] or webhook: {url: …}"
        guard case .mapping = node else { throw error(node, key, "expected \(rule), found \(kind(node))") }
        let entries = try mapping(node, key: key)
        func value(_ k: String) -> Node? { entries.first { $0.0 == k }?.2 }
        let kinds = ["exec", "webhook"].filter { value($0) != nil }
        guard kinds.count == 1 else {
            throw error(node, key, kinds.isEmpty ? "has no action; give \(rule)" : "has both exec and webhook; give one per action (use a list for several)")
        }
        if let execNode = value("exec") {
            try onlyKeys(entries, ["exec", "timeout"], at: key)
            let argv = try self.argv(execNode, key: "\(key).exec")
            var exec = ExecAction(argv: argv)
            if let t = value("timeout") { exec.timeout = try duration(t, key: "\(key).timeout") }
            return .exec(exec)
        }
        try onlyKeys(entries, ["webhook"], at: key)
        return .webhook(try webhook(value("webhook")!, key: "\(key).webhook"))
    }

    static func argv(_ node: Node, key: String) throws(ActionConfigError) -> [String] {
        let rule = "a list: the command and its arguments, run with no shell (e.g. [\"/usr/bin/mpc\", \"toggle\"])"
        guard case .sequence(let seq) = node else { throw error(node, key, "expected \(rule), found \(kind(node))") }
        guard !seq.isEmpty else { throw error(node, key, "is empty; expected \(rule)") }
        var argv: [String] = []
        for (i, item) in seq.enumerated() {
            guard case .scalar(let s) = item else { throw error(item, "\(key)[\(i)]", "expected a string, found \(kind(item))") }
            guard !s.string.utf8.contains(0) else { throw error(item, "\(key)[\(i)]", "contains a NUL character, which no argument can hold") }
            argv.append(s.string)
        }
        guard !argv[0].isEmpty else { throw error(node, "\(key)[0]", "the command is empty; give a path (/usr/bin/mpc) or a name found in \(ExecAction.searchPath)") }
        return argv
    }

    static func webhook(_ node: Node, key: String) throws(ActionConfigError) -> WebhookAction {
        let entries = try mapping(node, key: key)
        func value(_ k: String) -> Node? { entries.first { $0.0 == k }?.2 }
        try onlyKeys(entries, ["url", "method", "headers", "secret", "timeout", "retries"], at: key)
        guard let urlNode = value("url") else { throw error(node, "\(key).url", "missing; give the http:// or https:// URL to call") }
        let url = try text(urlNode, key: "\(key).url", allowed: "an http:// or https:// URL")
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parts.host, !host.isEmpty, parts.fragment == nil else {
            throw error(urlNode, "\(key).url", "'\(url)' is not an http:// or https:// URL with a host")
        }
        var hook = WebhookAction(url: url)
        if let m = value("method") {
            let method = try text(m, key: "\(key).method", allowed: WebhookAction.methods.joined(separator: ", "))
            guard WebhookAction.methods.contains(method) else {
                throw error(m, "\(key).method", "'\(method)' is not allowed; use one of \(WebhookAction.methods.joined(separator: ", "))")
            }
            hook.method = method
        }
        if let h = value("headers") {
            for (name, keyNode, v) in try mapping(h, key: "\(key).headers") {
                let path = "\(key).headers.\(name)"
                guard isToken(name) else { throw error(keyNode, path, "is not a valid HTTP header name") }
                guard !WebhookAction.reservedHeaders.contains(name.lowercased()) else {
                    throw error(keyNode, path, "is set by ClickBridge itself; remove it")
                }
                let value = try text(v, key: path, allowed: "a header value")
                guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                    throw error(v, path, "a header value cannot contain a line break")
                }
                hook.headers.append(.init(name: name, value: value))
            }
        }
        if let s = value("secret") {
            hook.secret = try text(s, key: "\(key).secret", allowed: "the shared secret that signs the body")
        }
        if let t = value("timeout") { hook.timeout = try duration(t, key: "\(key).timeout") }
        if let r = value("retries") {
            guard case .scalar(let s) = r, let n = Int(s.string), n >= 0, n <= WebhookAction.maxRetries else {
                throw error(r, "\(key).retries", "\(kind(r)) is not allowed; use a whole number from 0 to \(WebhookAction.maxRetries)")
            }
            hook.retries = n
        }
        return hook
    }

    // MARK: - Node access

    static func mapping(_ node: Node, key: String) throws(ActionConfigError) -> [(String, Node, Node)] {
        guard case .mapping(let m) = node else {
            throw error(node, key, "expected a mapping of keys to values, found \(kind(node))")
        }
        var out: [(String, Node, Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else { throw error(k, key, "a key must be a plain word, found \(kind(k))") }
            out.append((s.string, k, v))
        }
        return out
    }

    static func onlyKeys(_ entries: [(String, Node, Node)], _ allowed: [String], at path: String) throws(ActionConfigError) {
        for (k, keyNode, _) in entries where !allowed.contains(k) {
            throw error(keyNode, "\(path).\(k)", "unknown key; allowed here: \(allowed.joined(separator: ", "))")
        }
    }

    static func text(_ node: Node, key: String, allowed: String) throws(ActionConfigError) -> String {
        guard case .scalar(let s) = node, !isNothing(s) else { throw error(node, key, "expected \(allowed), found \(kind(node))") }
        return s.string
    }

    static func duration(_ node: Node, key: String) throws(ActionConfigError) -> Span {
        if case .scalar(let s) = node, let span = try? Span(parsing: s.string), span > .zero, span <= .seconds(24 * 3600) {
            return span
        }
        throw error(node, key, "\(kind(node)) is not allowed; use a duration above 0 with a unit, ms or s (e.g. 500ms, 10s)")
    }

    static func error(_ node: Node, _ key: String, _ message: String) -> ActionConfigError {
        ActionConfigError(line: node.mark?.line ?? 0, key: key, message: message)
    }

    private static func isNothing(_ s: Node.Scalar) -> Bool {
        s.string.isEmpty || (s.style == .plain && ["~", "null", "Null", "NULL"].contains(s.string))
    }

    /// RFC 9110 token characters.
    private static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return isNothing(s) ? "nothing" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

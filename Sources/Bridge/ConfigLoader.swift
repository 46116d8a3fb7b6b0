import ClaimService
import Foundation
import Lines
import OneClick
import Presses
import Yams

/// Reads a `BridgeConfig` from YAML, strictly: every unknown key and bad value is a `ConfigError`
/// with its line, its key and what is allowed.
///
/// It walks Yams' composed node tree rather than decoding, for two reasons: nodes carry their line
/// (`Mark`), and keys stay the strings they were written as, so the per-button `on:` key is the
/// string "on", never YAML 1.1's boolean.
public enum ConfigLoader {
    /// `load`, for `run`: first refuses a file that group or others can write, since its actions
    /// run commands (`FileTrust`: owner, mode and directories, as sshd's StrictModes).
    public static func loadTrusted(file path: String) throws(ConfigError) -> BridgeConfig {
        // Whether it can be read at all comes first: a directory is not an unsafe file.
        if let why = FileAccess.whyUnreadable(path) {
            throw ConfigError(file: path, line: 0, key: "", message: "cannot read the configuration: it \(why)")
        }
        do {
            try FileTrust.check(path, as: .configuration)
        } catch {
            throw ConfigError(file: path, line: 0, key: "", message: error.reason)
        }
        return try load(file: path)
    }

    /// Reads and parses the file. Relative paths in it (`stateDir`, `credentials`, trace files)
    /// are relative to the file's own directory, so the daemon does not depend on where it was
    /// started from (systemd starts it from `/`).
    public static func load(file path: String) throws(ConfigError) -> BridgeConfig {
        let text: String
        switch FileAccess.readText(path) {
        case .success(let t): text = t
        case .failure(let problem):
            throw ConfigError(file: path, line: 0, key: "", message: "cannot read the configuration: it \(problem.reason)")
        }
        var config = try parse(text, file: path)
        config.resolvePaths(relativeTo: (path as NSString).deletingLastPathComponent)
        return config
    }

    /// `file` names the source in errors.
    public static func parse(_ yaml: String, file: String = "config") throws(ConfigError) -> BridgeConfig {
        do { try YAMLAliasGuard.check(yaml) } catch {
            throw ConfigError(file: file, line: error.line, key: "",
                              message: "\(error.isAlias ? "an alias (*name)" : "an anchor (&name)") is not accepted here: anchors and aliases let a few bytes expand beyond any bound; write the value out in full")
        }
        let root: Node?
        do {
            // The basic resolver: every scalar is read as text here and typed by `NodeReader`, so
            // Yams's implicit-tag rules are never consulted, and building them would compile six
            // ICU regular expressions at each start (code and tables that then stay resident).
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ConfigError(file: file, line: 0, key: "", message: "not valid YAML: \(error)")
        }
        guard let root else {
            throw ConfigError(file: file, line: 1, key: "", message: "the configuration is empty; it needs at least `buttons:` (see hardware/clickbridge.yaml)")
        }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, key: "")
        try reader.onlyKeys(top, ["stateDir", "endpoint", "listen", "credentials", "profile", "claimCode", "allowPrivateCallbacks", "buttons", "mqtt"], at: "")

        var config = BridgeConfig(buttons: [])
        config.stateDir = try optional(top.value("stateDir")) { (n) throws(ConfigError) in try reader.path(n, key: "stateDir") }
        config.endpoint = try optional(top.value("endpoint")) { (n) throws(ConfigError) in try reader.endpoint(n, key: "endpoint") }
        config.listen = try optional(top.value("listen")) { (n) throws(ConfigError) in try reader.listenAddress(n, key: "listen") }
        config.credentials = try optional(top.value("credentials")) { (n) throws(ConfigError) in try reader.path(n, key: "credentials") }
        if let node = top.value("profile") {
            config.profile = try reader.text(node, key: "profile", allowed: "a profile name of the credentials file (e.g. bridge)")
        }
        if let node = top.value("claimCode") {
            let code = try reader.text(node, key: "claimCode", allowed: IdentifierRules.claimCode)
            guard ClaimCode.isValid(code) else {
                throw reader.error(node, "claimCode", "'\(code)' is not a claim code; use \(IdentifierRules.claimCode)")
            }
            config.claimCode = code
        }
        if let node = top.value("allowPrivateCallbacks") {
            config.allowPrivateCallbacks = try reader.bool(node, key: "allowPrivateCallbacks")
        }
        guard let buttonsNode = top.value("buttons") else {
            throw ConfigError(file: file, line: root.mark?.line ?? 1, key: "buttons", message: "missing; list at least one button with a deviceId and one of gpio, evdev or trace")
        }
        let list = try reader.sequence(buttonsNode, key: "buttons")
        guard !list.isEmpty else {
            throw reader.error(buttonsNode, "buttons", "is empty; list at least one button with a deviceId and one of gpio, evdev or trace")
        }
        if let node = top.value("mqtt") { config.mqtt = try MQTTConfigReader(reader: reader).read(node) }
        var seenDevices: [String: Int] = [:]
        var seenNames: [String: Int] = [:]
        // Topic levels of every press name, when MQTT is on: two names may differ only in what
        // the topics cannot carry (`Porch Door` and `porch_door`), and that is a mistake.
        var seenLevels: [String: (name: String, line: Int)] = [:]
        for (index, node) in list.enumerated() {
            let key = "buttons[\(index)]"
            let button = try ButtonReader(reader: reader).button(node, key: key)
            let line = node.mark?.line ?? 0
            if let first = seenDevices[button.deviceId] {
                throw reader.error(node, "\(key).deviceId", "'\(button.deviceId)' is already the device of the button on line \(first); each button needs its own device id")
            }
            if let first = seenNames[button.name] {
                throw reader.error(node, "\(key).name", "'\(button.name)' is already the name of the button on line \(first); give each button its own name")
            }
            if config.mqtt != nil {
                for name in button.pressNames {
                    let level = MQTTNames.buttonLevel(name)
                    if let first = seenLevels[level], first.name != name {
                        throw reader.error(map(node, "name") ?? node, "\(key).name", "'\(name)' and '\(first.name)' (line \(first.line)) are both '\(level)' in MQTT topics; rename one so they differ in letters, digits, _ or -")
                    }
                    seenLevels[level] = (name, line)
                }
            }
            seenDevices[button.deviceId] = line
            seenNames[button.name] = line
            config.buttons.append(button)
        }
        return config
    }

    /// The value of `key` in the mapping `node`, for pointing at it.
    private static func map(_ node: Node, _ key: String) -> Node? {
        guard case .mapping(let m) = node else { return nil }
        return m.first { if case .scalar(let s) = $0.key { s.string == key } else { false } }?.value
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, key: "", message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, key: duplicates.joined(separator: ", "),
                               message: "appears more than once in one mapping; keep one")
        default:
            return ConfigError(file: file, line: 0, key: "", message: "not valid YAML: \(error)")
        }
    }
}

/// Reads the entries of one `buttons:` item.
private struct ButtonReader {
    let reader: NodeReader

    func button(_ node: Node, key: String) throws(ConfigError) -> ButtonConfig {
        let map = try reader.mapping(node, key: key)
        try reader.onlyKeys(map, ["deviceId", "name", "gpio", "evdev", "trace", "timing", "on"], at: key)

        guard let idNode = map.value("deviceId") else {
            throw reader.error(node, "\(key).deviceId", "missing; every button needs a deviceId, \(IdentifierRules.deviceId)")
        }
        let deviceId = try reader.text(idNode, key: "\(key).deviceId", allowed: IdentifierRules.deviceId)
        guard DeviceIdentifier.isValid(deviceId) else {
            throw reader.error(idNode, "\(key).deviceId", "'\(deviceId)' is not a device id; use \(IdentifierRules.deviceId)")
        }
        let name = try optional(map.value("name")) { (n) throws(ConfigError) in try reader.text(n, key: "\(key).name", allowed: "a name for the button") }

        let sources = ["gpio", "evdev", "trace"].filter { map.value($0) != nil }
        guard sources.count == 1 else {
            let what = sources.isEmpty ? "has no source" : "has \(sources.count) sources (\(sources.joined(separator: ", ")))"
            throw reader.error(node, key, "\(what); give exactly one of gpio, evdev or trace")
        }
        let source: ButtonSource
        switch sources[0] {
        case "gpio": source = .gpio(try gpio(map.value("gpio")!, key: "\(key).gpio"))
        case "evdev": source = .evdev(try evdev(map.value("evdev")!, key: "\(key).evdev"))
        default:
            let (file, options) = try trace(map.value("trace")!, key: "\(key).trace")
            source = .trace(file: file, options: options)
        }
        let timing = try optional(map.value("timing")) { (n) throws(ConfigError) in try self.timing(n, key: "\(key).timing") } ?? .default
        var actions = ButtonActions()
        if let on = map.value("on") {
            do {
                actions = try ActionParser.parse(on, key: "\(key).on")
            } catch {
                throw ConfigError(file: reader.file, line: error.line, key: error.key, message: error.message)
            }
        }
        return ButtonConfig(deviceId: deviceId, name: name, source: source, timing: timing, actions: actions)
    }

    private func gpio(_ node: Node, key: String) throws(ConfigError) -> GPIOLineConfig {
        let map = try reader.mapping(node, key: key)
        try reader.onlyKeys(map, ["chip", "line", "bias", "activeLow"], at: key)
        let chip = try reader.required(map, node, "chip", at: key, allowed: "a chip name, path, number or label (gpiochip0, /dev/gpiochip0, 0)")
        let line = try reader.required(map, node, "line", at: key, allowed: "a line name or offset (GPIO17, 17)")
        // A button wired to GND with the internal pull-up is the usual wiring: active-low by default.
        var config = GPIOLineConfig(chip: chip, line: line, bias: .pullUp, activeLow: true)
        if let b = map.value("bias") {
            // The same words as `listen --bias`: one parser for both.
            let text = try reader.text(b, key: "\(key).bias", allowed: GPIOBias.spellings)
            guard let bias = GPIOBias(parsing: text) else {
                throw reader.error(b, "\(key).bias", "'\(text)' is not allowed; use \(GPIOBias.spellings)")
            }
            config.bias = bias
        }
        if let a = map.value("activeLow") { config.activeLow = try reader.bool(a, key: "\(key).activeLow") }
        return config
    }

    private func evdev(_ node: Node, key: String) throws(ConfigError) -> EvdevConfig {
        let map = try reader.mapping(node, key: key)
        try reader.onlyKeys(map, ["device", "key", "keys", "grab"], at: key)
        let device = try reader.required(map, node, "device", at: key, allowed: "an input device path (/dev/input/by-path/…-event)")
        let keyRule = "a key name or code (KEY_ENTER, 28)"
        let keys: [String]
        switch (map.value("key"), map.value("keys")) {
        case (let one?, nil):
            keys = [try reader.text(one, key: "\(key).key", allowed: keyRule)]
        case (nil, let many?):
            keys = try reader.sequence(many, key: "\(key).keys").enumerated().map { (i, k) throws(ConfigError) in
                try reader.text(k, key: "\(key).keys[\(i)]", allowed: keyRule)
            }
            guard !keys.isEmpty else { throw reader.error(many, "\(key).keys", "is empty; list at least one key (KEY_ENTER, 28)") }
        case (nil, nil):
            throw reader.error(node, "\(key).key", "missing; give key (\(keyRule)) or keys (a list of them)")
        case (_?, _?):
            throw reader.error(node, key, "has both key and keys; give one of them")
        }
        var codes: [UInt16] = []
        for (i, k) in keys.enumerated() {
            guard let code = EvdevKey.code(parsing: k) else {
                let (badNode, badKey) = map.value("key").map { ($0, "\(key).key") } ?? (map.value("keys")!, "\(key).keys[\(i)]")
                throw reader.error(badNode, badKey, "'\(k)' is not a key; use \(keyRule)")
            }
            codes.append(code)
        }
        let grab = try optional(map.value("grab")) { (n) throws(ConfigError) in try reader.bool(n, key: "\(key).grab") } ?? false
        return EvdevConfig(device: device, keys: codes, grab: grab)
    }

    private func trace(_ node: Node, key: String) throws(ConfigError) -> (String, TraceReadOptions) {
        let map = try reader.mapping(node, key: key)
        try reader.onlyKeys(map, ["file", "format", "activeLow"], at: key)
        let file = try reader.required(map, node, "file", at: key, allowed: "a trace file (hardware/traces/…)")
        var options = TraceReadOptions()
        if let f = map.value("format") { options.format = try reader.choice(f, key: "\(key).format", TraceFormatChoice.self).format }
        if let a = map.value("activeLow") { options.activeLow = try reader.bool(a, key: "\(key).activeLow") }
        return (file, options)
    }

    private func timing(_ node: Node, key: String) throws(ConfigError) -> PressTiming {
        let map = try reader.mapping(node, key: key)
        try reader.onlyKeys(map, ["debounce", "long", "doubleWindow", "maxPresses", "longRelease", "repeat"], at: key)
        var timing = PressTiming.default
        if let n = map.value("debounce") { timing.debounce = try reader.duration(n, key: "\(key).debounce") }
        if let n = map.value("long") { timing.long = try reader.duration(n, key: "\(key).long") }
        if let n = map.value("doubleWindow") { timing.doubleWindow = try reader.duration(n, key: "\(key).doubleWindow") }
        if let n = map.value("maxPresses") {
            let range = PressTiming.maxPressesRange
            timing.maxPresses = try reader.integer(n, key: "\(key).maxPresses", in: range,
                                                   allowed: "a whole number from \(range.lowerBound) (no DOUBLE) to \(range.upperBound) (QUINTUPLE)")
        }
        if let n = map.value("longRelease") { timing.longRelease = try reader.bool(n, key: "\(key).longRelease") }
        if let n = map.value("repeat") { timing.repeat = try reader.duration(n, key: "\(key).repeat") }
        guard timing.long > timing.debounce else {
            throw reader.error(map.value("long") ?? map.value("debounce") ?? node, "\(key).long",
                               "\(timing.long) is not longer than debounce \(timing.debounce); long must exceed debounce")
        }
        // The detector's own ranges, checked once, so `run` and `check` say what `listen` would.
        for problem in timing.problems {
            switch problem {
            case .maxPressesOutOfRange:
                // Unreachable: `integer` above already kept it in range.
                throw reader.error(map.value("maxPresses") ?? node, "\(key).maxPresses", "\(problem)")
            case .repeatTooShort:
                throw reader.error(map.value("repeat") ?? node, "\(key).repeat",
                                   "\(problem); use 0 to turn it off or a duration like 500ms")
            }
        }
        return timing
    }
}

/// `format:` of a trace button: `auto` detects it from the content.
private enum TraceFormatChoice: String, CaseIterable {
    case auto, native, gpiomon, evemu
    var format: TraceFormat? { TraceFormat(rawValue: rawValue) }
}

/// `f` of the node when there is one; `Optional.map` would lose the typed throw.
private func optional<T>(_ node: Node?, _ f: (Node) throws(ConfigError) -> T) throws(ConfigError) -> T? {
    guard let node else { return nil }
    return try f(node)
}

/// Typed access to composed YAML nodes, turning every mismatch into a located `ConfigError`.
struct NodeReader {
    let file: String

    struct Map {
        let node: Node
        let entries: [(key: String, keyNode: Node, value: Node)]
        func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    }

    func error(_ node: Node, _ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line ?? 0, key: key, message: message)
    }

    func mapping(_ node: Node, key: String) throws(ConfigError) -> Map {
        guard case .mapping(let m) = node else {
            throw error(node, key, "expected a mapping of keys to values, found \(kind(node))")
        }
        var entries: [(String, Node, Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else { throw error(k, key, "a key must be a plain word, found \(kind(k))") }
            entries.append((s.string, k, v))
        }
        return Map(node: node, entries: entries)
    }

    func onlyKeys(_ map: Map, _ allowed: [String], at path: String) throws(ConfigError) {
        for entry in map.entries where !allowed.contains(entry.key) {
            let full = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            throw error(entry.keyNode, full, "unknown key; allowed here: \(allowed.joined(separator: ", "))")
        }
    }

    func sequence(_ node: Node, key: String) throws(ConfigError) -> [Node] {
        guard case .sequence(let s) = node else { throw error(node, key, "expected a list (items starting with '- '), found \(kind(node))") }
        return Array(s)
    }

    func text(_ node: Node, key: String, allowed: String) throws(ConfigError) -> String {
        guard case .scalar(let s) = node, !isNothing(s) else {
            throw error(node, key, "expected \(allowed), found \(kind(node))")
        }
        return s.string
    }

    func required(_ map: Map, _ node: Node, _ name: String, at path: String, allowed: String) throws(ConfigError) -> String {
        guard let value = map.value(name) else { throw error(node, "\(path).\(name)", "missing; give \(allowed)") }
        return try text(value, key: "\(path).\(name)", allowed: allowed)
    }

    func path(_ node: Node, key: String) throws(ConfigError) -> String {
        try text(node, key: key, allowed: "a path")
    }

    func bool(_ node: Node, key: String) throws(ConfigError) -> Bool {
        if case .scalar(let s) = node {
            switch s.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw error(node, key, "expected true or false, found \(kind(node))")
    }

    func integer(_ node: Node, key: String, in range: ClosedRange<Int>, allowed: String) throws(ConfigError) -> Int {
        if case .scalar(let s) = node, let n = Int(s.string), range.contains(n) { return n }
        throw error(node, key, "\(kind(node)) is not allowed; use \(allowed)")
    }

    func choice<C: RawRepresentable & CaseIterable>(_ node: Node, key: String, _: C.Type) throws(ConfigError) -> C where C.RawValue == String {
        let names = C.allCases.map(\.rawValue)
        if case .scalar(let s) = node, let value = C(rawValue: s.string) { return value }
        throw error(node, key, "\(kind(node)) is not allowed; use one of \(names.joined(separator: ", "))")
    }

    func duration(_ node: Node, key: String) throws(ConfigError) -> Span {
        if case .scalar(let s) = node, let span = try? Span(parsing: s.string) { return span }
        throw error(node, key, "\(kind(node)) is not a duration; use a number with a unit, ms or s (e.g. 20ms, 1.5s)")
    }

    func endpoint(_ node: Node, key: String) throws(ConfigError) -> String {
        let rule = "an http:// or https:// URL with a host (http://127.0.0.1:8787), or omit endpoint to run the service embedded"
        let text = try text(node, key: key, allowed: rule)
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else {
            throw error(node, key, "'\(text)' is not allowed; use \(rule)")
        }
        return text
    }

    func listenAddress(_ node: Node, key: String) throws(ConfigError) -> String {
        let rule = "HOST:PORT with a port of 0 to 65535, 0 picking a free one (127.0.0.1:8787, [::1]:8787)"
        let text = try text(node, key: key, allowed: rule)
        do throws(ListenAddress.Invalid) { _ = try ListenAddress(parsing: text) } catch {
            throw self.error(node, key, "'\(text)' is not allowed (\(error)); use \(rule)")
        }
        return text
    }

    /// An empty value or YAML's null: a key written with no value.
    private func isNothing(_ s: Node.Scalar) -> Bool {
        s.string.isEmpty || (s.style == .plain && ["~", "null", "Null", "NULL"].contains(s.string))
    }

    func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if isNothing(s) { return "nothing" }
            return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

import Foundation
import Lines
import Presses

/// The `run` daemon's configuration, as read from its YAML file (see `hardware/clickbridge.yaml`).
public struct BridgeConfig: Sendable, Equatable {
    /// Outbox and, when embedded, the service's database. Nil: the default state dir.
    public var stateDir: String?
    /// The claim service to publish to. Nil: the service runs embedded in this process.
    public var endpoint: String?
    /// Where the embedded service listens (`host:port`). Nil: its default.
    public var listen: String?
    /// The credentials file the bridge signs with. Nil: the state dir's generated one.
    public var credentials: String?
    /// The profile of `credentials` the bridge signs with.
    public var profile: String
    /// Declared with every device at registration, so `ClaimDevicesByClaimCode` can claim them.
    public var claimCode: String?
    /// The embedded service may send click callbacks to loopback, private and other non-public
    /// addresses (a home network). No effect with an `endpoint`.
    public var allowPrivateCallbacks: Bool
    public var buttons: [ButtonConfig]
    /// `mqtt:`: every gesture also goes to this broker, and Home Assistant discovers the buttons.
    /// Nil: no MQTT, and libmosquitto is never loaded.
    public var mqtt: MQTTConfig?

    public init(stateDir: String? = nil, endpoint: String? = nil, listen: String? = nil, credentials: String? = nil,
                profile: String = BridgeConfig.defaultProfile, claimCode: String? = nil, allowPrivateCallbacks: Bool = false,
                buttons: [ButtonConfig], mqtt: MQTTConfig? = nil) {
        self.stateDir = stateDir
        self.endpoint = endpoint
        self.listen = listen
        self.credentials = credentials
        self.profile = profile
        self.claimCode = claimCode
        self.allowPrivateCallbacks = allowPrivateCallbacks
        self.buttons = buttons
        self.mqtt = mqtt
    }

    /// The device-side principal of the generated credentials file.
    public static let defaultProfile = "bridge"

    /// Makes relative paths relative to `directory` (the configuration file's). Button names
    /// stay as written.
    public mutating func resolvePaths(relativeTo directory: String) {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(path)
        }
        stateDir = stateDir.map(resolve)
        credentials = credentials.map(resolve)
        mqtt?.resolvePaths(resolve)
        for i in buttons.indices {
            if case .trace(let file, let options) = buttons[i].source { buttons[i].source = .trace(file: resolve(file), options: options) }
        }
    }
}

/// One configured button: a device id and the line it reads.
public struct ButtonConfig: Sendable, Equatable {
    public var deviceId: String
    /// `name` from the file, else the source's own name (ARCHITECTURE.md, "Button names"): this is `Press.button`.
    public var name: String
    public var source: ButtonSource
    public var timing: PressTiming
    /// `on:`: what each click type does (see hardware/actions.md).
    public var actions: ButtonActions
    public var hasActions: Bool { !actions.isEmpty }

    /// The `Press.button` names this button's presses carry, when the configuration alone tells:
    /// its name, or `NAME:KEY` for each key of an evdev button with several. A trace with several
    /// buttons names them from the file (`ButtonWiring`), so it is `[name]` here.
    public var pressNames: [String] {
        if case .evdev(let e) = source, e.keys.count > 1 { return e.keys.map { "\(name):\(EvdevKey.name($0))" } }
        return [name]
    }

    public init(deviceId: String, name: String? = nil, source: ButtonSource, timing: PressTiming = .default,
                actions: ButtonActions = ButtonActions()) {
        self.deviceId = deviceId
        self.name = name ?? source.defaultName
        self.source = source
        self.timing = timing
        self.actions = actions
    }
}

/// Where a button's edges come from, in the button layer's own terms.
public enum ButtonSource: Sendable, Equatable {
    case gpio(GPIOLineConfig)
    case evdev(EvdevConfig)
    /// A trace file replayed in real time (a relative path in the file is relative to the file).
    case trace(file: String, options: TraceReadOptions)
    /// A `SimulatedButton` played live by the program that runs the daemon (`clickbridge demo`,
    /// through `BridgeDaemon.simulatedButton(of:)`). A configuration file cannot name one.
    case simulated

    /// The name of a button without a `name` (ARCHITECTURE.md, "Button names"): the source as written,
    /// `gpiochip0:GPIO17`, the evdev path with its key, or the trace file (`simulated` for a simulated button).
    public var defaultName: String {
        switch self {
        case .gpio(let g): return "\(g.chip.map { "\($0):" } ?? "")\(g.line)"
        case .evdev(let e): return "\(e.device):\(e.keys.map(EvdevKey.name).joined(separator: ","))"
        case .trace(let file, _): return file
        case .simulated: return "simulated"
        }
    }
}

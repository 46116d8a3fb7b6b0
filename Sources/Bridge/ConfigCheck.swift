import Foundation
import Glibc
import Lines
import OneClick

/// `clickbridge check`, and the first step of `run`: everything about a configuration that can
/// be known without creating a file or binding a port. A mistake throws a config failure (exit
/// 78); hardware that is not there yet, or a program an action names that is missing, is a
/// warning, since `run` waits for hardware and records a failed action without stopping.
public struct ConfigCheck: Sendable {
    public var configPath: String
    public var config: BridgeConfig
    public var stateDir: String
    public var credentialsPath: String
    /// Where presses go: the configured endpoint, or the embedded service's address.
    public var endpoint: String
    /// One line each, for a person: what `run` will have to wait for or will fail to run.
    public var warnings: [String] = []
    /// The credentials file does not exist yet; `run` creates it (profiles bridge and owner).
    public var credentialsWillBeCreated = false

    /// Reads and checks `configPath`. `loadTrusted`: its actions run commands, so a file others
    /// can write is refused.
    public static func run(configPath: String) throws(BridgeFailure) -> ConfigCheck {
        let config: BridgeConfig
        do { config = try ConfigLoader.loadTrusted(file: configPath) } catch { throw .config(error.description) }
        let stateDir = BridgeEnvironment.stateDir(for: config)
        var check = ConfigCheck(
            configPath: configPath, config: config, stateDir: stateDir,
            credentialsPath: config.credentials ?? StateDirectory.credentialsPath(stateDirectory: stateDir),
            endpoint: config.endpoint ?? "http://\(BridgeEnvironment.embeddedListen(for: config))")
        try check.checkStateDir()
        try check.checkCredentials()
        for button in config.buttons { try check.checkSource(of: button) }
        check.checkActions()
        try check.checkMQTT()
        return check
    }

    private mutating func checkStateDir() throws(BridgeFailure) {
        var st = stat()
        if stat(stateDir, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw .config("\(configPath): stateDir \(stateDir) is not a directory; point stateDir at a directory")
            }
            if access(stateDir, W_OK | X_OK) != 0 {
                warnings.append("state dir \(stateDir) is not writable by \(FileAccess.userName(geteuid())) (owner \(FileAccess.userName(st.st_uid)), mode \(FileAccess.modeText(st.st_mode))): run it as the daemon's user, or check it as root")
            }
        } else if errno != ENOENT {
            warnings.append("state dir \(stateDir) \(FileAccess.errnoReason(errno, path: stateDir)): check it as the daemon's user or root")
        }
    }

    private mutating func checkCredentials() throws(BridgeFailure) {
        let configured = config.credentials != nil
        if !configured, access(credentialsPath, F_OK) != 0, errno == ENOENT {
            credentialsWillBeCreated = true
            guard CredentialGenerator.defaultProfiles.contains(config.profile) else {
                throw .config("\(configPath): profile '\(config.profile)' will not exist: the credentials run creates in the state dir have the profiles \(CredentialGenerator.defaultProfiles.joined(separator: " and ")); set profile to one of them, or set credentials to a file that has it")
            }
            return
        }
        if let why = FileAccess.whyUnreadable(credentialsPath) {
            if configured, why.hasPrefix("does not exist") {
                throw .config("\(configPath): credentials \(credentialsPath) \(why): remove the credentials key to use the file run creates in the state dir, or create it with `clickbridge credentials add \(config.profile) --credentials \(credentialsPath)`")
            }
            if access(credentialsPath, F_OK) == 0 {
                // It is there but not ours to read: the daemon's user may well read it.
                warnings.append("credentials \(credentialsPath) \(why): not checked; check as the daemon's user or root")
                return
            }
            throw .config("\(configPath): credentials \(credentialsPath) \(why)")
        }
        do { try FileTrust.check(credentialsPath, as: .credentials) } catch {
            throw .config("credentials \(error.description)")
        }
        let file: CredentialsFile
        do { file = try CredentialsFile.load(path: credentialsPath) } catch { throw .config("credentials \(error.description)") }
        guard file.profile(named: config.profile) != nil else {
            throw .config("\(configPath): credentials \(credentialsPath) has no profile '\(config.profile)' (it has: \(file.profiles.map(\.name).joined(separator: ", "))); set profile to one of them")
        }
    }

    private mutating func checkSource(of button: ButtonConfig) throws(BridgeFailure) {
        switch button.source {
        case .trace(let file, let options):
            // A file, not hardware that may come later: run cannot start without it.
            do { _ = try TraceReader.read(contentsOf: file, options: options) } catch {
                throw .config("\(configPath): button \(button.deviceId): trace \(error.described(file: file))")
            }
        case .gpio(let g):
            guard let path = SourcePresence.path(of: button.source), SourcePresence.isPresent(button.source) else {
                warnings.append("\(button.deviceId): GPIO chip \(g.chip.flatMap { GPIOChipResolver.nodePath(of: $0) } ?? "labelled '\(g.chip ?? "")'") does not exist here (yet); run waits for it (`clickbridge doctor` lists the chips)")
                return
            }
            if path.hasPrefix("/dev/gpiochip"), access(path, R_OK | W_OK) != 0 {
                warnings.append("\(button.deviceId): \(path) is not readable by \(FileAccess.userName(geteuid())); the daemon's user needs the gpio group (the package adds it)")
            }
        case .evdev(let e):
            if access(e.device, F_OK) != 0 {
                warnings.append("\(button.deviceId): input device \(e.device) does not exist here (yet); run waits for it")
            } else if access(e.device, R_OK) != 0 {
                warnings.append("\(button.deviceId): \(e.device) is not readable by \(FileAccess.userName(geteuid())); the daemon's user needs the input group (the package adds it)")
            }
        case .simulated:
            break  // made in the process: nothing on this machine to check
        }
    }

    /// The broker's password file must exist and be kept from others; certificates must be
    /// readable. Each refusal is located at its key, as the loader's are.
    private func checkMQTT() throws(BridgeFailure) {
        guard let mqtt = config.mqtt else { return }
        func located(_ key: String, _ message: String) -> BridgeFailure {
            .config(ConfigError(file: configPath, line: mqtt.keyLines[key] ?? 0, key: "mqtt.\(key)", message: message).description)
        }
        if let file = mqtt.passwordFile {
            if let why = FileAccess.whyUnreadable(file) {
                throw located("passwordFile", "\(file) \(why); give a file holding the password on its first line (mode 0600)")
            }
            do { try FileTrust.check(file, as: .password) } catch {
                throw located("passwordFile", error.description)
            }
        }
        for (key, path) in [("ca", mqtt.ca), ("cert", mqtt.cert), ("key", mqtt.key)] {
            guard let path, let why = FileAccess.whyUnreadable(path) else { continue }
            throw located(key, "\(path) \(why)")
        }
    }

    private mutating func checkActions() {
        for button in config.buttons {
            for (gesture, actions) in button.actions.byGesture.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                for case .exec(let exec) in actions {
                    let program = try? ChildProcess.resolve(exec.argv[0])
                    if program.map({ access($0, X_OK) != 0 }) ?? true {
                        warnings.append("\(button.deviceId): on \(gesture.rawValue): exec \(exec.argv[0]) is not an executable file\(exec.argv[0].contains("/") ? "" : " in \(ExecAction.searchPath)"); the action fails until it is")
                    }
                }
            }
        }
    }

    /// What `check` prints on stdout when the configuration is valid.
    public var summary: String {
        var lines = ["clickbridge check: \(configPath) is valid"]
        let service = config.endpoint == nil ? "the embedded claim service at \(endpoint) (run starts it)" : "the claim service at \(endpoint)"
        lines.append("  \(config.buttons.count) button\(config.buttons.count == 1 ? "" : "s"), publishing to \(service) as '\(config.profile)'")
        lines.append("  state \(stateDir), credentials \(credentialsPath)\(credentialsWillBeCreated ? " (run creates it)" : "")")
        for b in config.buttons {
            lines.append("  device \(b.deviceId)  button \(b.name)  (\(SourcePresence.describe(b.source)))")
        }
        if let mqtt = config.mqtt { lines.append("  mqtt \(mqtt.summary)") }
        return lines.joined(separator: "\n")
    }
}

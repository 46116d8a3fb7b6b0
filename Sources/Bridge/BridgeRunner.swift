import Foundation
import Glibc
import Lines
import Logging

/// `clickbridge run`: the environment, the outbox, the daemon, and SIGTERM/SIGINT handling.
public enum BridgeRunner {
    public static func run(configPath: String, say: @escaping @Sendable (String) -> Void) async throws {
        // Everything `check` checks, before anything is created or bound: a mistake fails here,
        // as a config error (exit 78) that systemd does not restart into.
        let check = try ConfigCheck.run(configPath: configPath)
        let config = check.config
        for warning in check.warnings where !warning.contains("run waits for it") { say("warning: \(warning)") }
        let env = try await BridgeEnvironment.prepare(config: config, say: say)
        let outbox: Outbox
        do { outbox = try Outbox(stateDir: env.stateDir) } catch {
            throw BridgeFailure("cannot open the outbox in \(env.stateDir): \(error)")
        }
        let sink = OneClickSink(client: try env.client(profile: config.profile))
        let daemon: BridgeDaemon
        do { daemon = try BridgeDaemon(config: config, outbox: outbox, sink: sink, say: say) } catch {
            await env.embedded?.shutdown()
            throw BridgeFailure(error.message)
        }
        var text = banner(config: config, env: env, outbox: outbox)
        if let mqtt = config.mqtt {
            text += "\n  mqtt \(mqtt.summary) (libmosquitto \(daemon.mqttLibraryVersion ?? "?"))"
        }
        say(text)
        daemon.stopOnSignals()
        defer { SignalStop.uninstall() }
        do {
            try await daemon.run()
        } catch {
            await env.embedded?.shutdown()
            throw BridgeFailure(error.message)
        }
        await env.embedded?.shutdown()
        let signal = SignalStop.received.map { $0 == SIGTERM ? "SIGTERM" : $0 == SIGINT ? "SIGINT" : "signal \($0)" }
        say("stopped" + (signal.map { " (\($0)); pending presses were decided and committed" } ?? ""))
    }

    static func banner(config: BridgeConfig, env: BridgeEnvironment, outbox: Outbox) -> String {
        var lines: [String] = []
        let mode = env.embedded != nil ? "embedded claim service" : "claim service"
        lines.append("clickbridge run: \(config.buttons.count) button\(config.buttons.count == 1 ? "" : "s"), publishing to the \(mode) at \(env.endpoint) as '\(config.profile)'")
        lines.append("  state \(env.stateDir), credentials \(env.credentialsPath)")
        if env.embedded != nil, config.allowPrivateCallbacks {
            lines.append("  allowPrivateCallbacks: click callbacks may go to loopback and private addresses")
        }
        if let backlog = try? outbox.backlog(), backlog.count > 0 {
            lines.append("  \(backlog.count) events queued from before; delivering them first")
        }
        for b in config.buttons {
            lines.append("  device \(b.deviceId)  button \(b.name)  (\(SourcePresence.describe(b.source)))")
        }
        if let code = config.claimCode {
            lines.append("  claim code \(code): claim a device with `clickbridge claim DEVICE_ID --endpoint \(env.endpoint)`, or all of them by the claim code")
        } else {
            lines.append("  no claimCode configured: claim a device with `clickbridge claim DEVICE_ID --endpoint \(env.endpoint)`")
        }
        return lines.joined(separator: "\n")
    }
}

import Dispatch
import Foundation
import Glibc
import Lines
import Logging

/// `clickbridge run`: the environment, the outbox, the daemon, and SIGTERM/SIGINT handling.
public enum BridgeRunner {
    public static func run(configPath: String, say: @escaping @Sendable (String) -> Void) async throws {
        let config: BridgeConfig
        // loadTrusted: actions run commands, so a config others can write is refused.
        do { config = try ConfigLoader.loadTrusted(file: configPath) } catch { throw BridgeFailure(error.description) }
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
        say(banner(config: config, env: env, outbox: outbox))
        let signals = SignalWatch([SIGTERM, SIGINT]) { signal in
            say("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): deciding pending presses and stopping")
            daemon.stop()
        }
        defer { signals.cancel() }
        do {
            try await daemon.run()
        } catch {
            await env.embedded?.shutdown()
            throw BridgeFailure(error.message)
        }
        await env.embedded?.shutdown()
        say("stopped")
    }

    static func banner(config: BridgeConfig, env: BridgeEnvironment, outbox: Outbox) -> String {
        var lines: [String] = []
        let mode = env.embedded != nil ? "embedded claim service" : "claim service"
        lines.append("clickbridge run: \(config.buttons.count) button\(config.buttons.count == 1 ? "" : "s"), publishing to the \(mode) at \(env.endpoint) as '\(config.profile)'")
        lines.append("  state \(env.stateDir), credentials \(env.credentialsPath)")
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

/// SIGTERM/SIGINT as Dispatch sources: the default handlers are replaced so the daemon can stop
/// cleanly; `cancel` restores them.
final class SignalWatch: @unchecked Sendable {
    // @unchecked Sendable: the sources are set once in init; Dispatch sources are thread-safe.
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        // A serial queue of its own: a worker of Dispatch's global queue would start its
        // once-a-second pool monitor (see QuietExecutors).
        let queue = DispatchQueue(label: "clickbridge.signals")
        sources = signals.map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { handler(sig) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
        for sig in signals { signal(sig, SIG_DFL) }
    }
}

import ArgumentParser
import Bridge
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Buttons, devices and their claim state, outbox backlog, dead letters.")

    @Option(help: "The daemon's YAML configuration file.")
    var config: String

    @Option(help: "The credentials profile to ask with (default: the configuration's `profile`, the bridge's).")
    var profile: String?

    func run() async throws {
        do {
            let text = try await BridgeStatus.text(configPath: config, profile: profile)
            Terminal.out(text)
        } catch let failure as BridgeFailure {
            Terminal.err("clickbridge status: \(failure)")
            throw ExitCode.failure
        }
    }
}

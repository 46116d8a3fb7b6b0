import ArgumentParser
import Bridge
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Buttons, devices and their claim state, outbox backlog, dead letters.")

    @Option(help: "The daemon's YAML configuration file.")
    var config: String

    @Option(help: "The profile that sees devices' claim state (the owner's).")
    var profile: String = "owner"

    func run() async throws {
        do {
            let text = try await BridgeStatus.text(configPath: config, ownerProfile: profile)
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        } catch let failure as BridgeFailure {
            FileHandle.standardError.write(Data("clickbridge status: \(failure)\n".utf8))
            throw ExitCode.failure
        }
    }
}

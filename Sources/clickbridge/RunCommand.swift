import ArgumentParser
import Bridge
import Foundation

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The daemon: buttons to presses to device events.",
        discussion: """
            Reads the YAML configuration (see hardware/clickbridge.yaml), registers every device with \
            its claim code, watches all buttons on one event loop, commits every press to the outbox \
            in the state dir and publishes it until the service acknowledges it. Without `endpoint`, \
            the claim service runs embedded. SIGTERM or SIGINT decide pending presses and stop.
            """
    )

    @Option(help: "The YAML configuration file.")
    var config: String

    func run() async throws {
        do {
            try await BridgeRunner.run(configPath: config) { line in
                Terminal.out(line)
            }
        } catch let failure as BridgeFailure {
            Terminal.err("clickbridge run: \(failure)")
            throw ExitCode(failure.isConfigError ? BridgeFailure.configExitStatus : 1)
        }
    }
}

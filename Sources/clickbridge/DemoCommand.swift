import ArgumentParser
import Bridge
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Everything on one machine: embedded service, a simulated button and the claim handshake.")

    func run() async throws {
        do {
            try await Bridge.Demo { line in Terminal.out(line) }.run()
        } catch {
            Terminal.err("clickbridge demo: FAILED: \(error)")
            throw ExitCode.failure
        }
    }
}

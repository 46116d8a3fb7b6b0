import ArgumentParser
import Bridge
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Everything on one machine: embedded service, a simulated button and the claim handshake.")

    func run() async throws {
        do {
            try await Bridge.Demo { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }.run()
        } catch {
            FileHandle.standardError.write(Data("clickbridge demo: FAILED: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

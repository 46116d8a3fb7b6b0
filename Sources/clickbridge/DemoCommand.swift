import ArgumentParser

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Everything on one machine: embedded service, a simulated button and the claim handshake.")

    func run() async throws {
        throw NotYetBuilt(command: "demo")
    }
}

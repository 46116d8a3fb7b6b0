import ArgumentParser

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Buttons, devices and their claim state, outbox backlog, dead letters.")

    func run() async throws {
        throw NotYetBuilt(command: "status")
    }
}

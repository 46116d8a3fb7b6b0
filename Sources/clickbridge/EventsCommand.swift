import ArgumentParser

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "A device's events, as its owner sees them.")

    func run() async throws {
        throw NotYetBuilt(command: "events")
    }
}

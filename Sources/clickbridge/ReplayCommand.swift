import ArgumentParser

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Classify a recorded trace, instantly, on its own clock.")

    func run() async throws {
        throw NotYetBuilt(command: "replay")
    }
}

import ArgumentParser

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "The daemon: buttons to presses to device events.")

    func run() async throws {
        throw NotYetBuilt(command: "run")
    }
}

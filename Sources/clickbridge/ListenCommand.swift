import ArgumentParser

struct Listen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "listen", abstract: "Show live edges and presses.")

    func run() async throws {
        throw NotYetBuilt(command: "listen")
    }
}

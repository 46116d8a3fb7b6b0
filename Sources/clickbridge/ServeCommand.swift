import ArgumentParser

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the claim service.")

    func run() async throws {
        throw NotYetBuilt(command: "serve")
    }
}

import ArgumentParser

struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Record a trace.")

    func run() async throws {
        throw NotYetBuilt(command: "record")
    }
}

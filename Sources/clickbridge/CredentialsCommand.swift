import ArgumentParser

struct Credentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "credentials", abstract: "Manage the service's principals.")

    func run() async throws {
        throw NotYetBuilt(command: "credentials")
    }
}

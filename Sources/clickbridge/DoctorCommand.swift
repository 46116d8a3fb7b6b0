import ArgumentParser

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Check chips, lines, input devices and permissions.")

    func run() async throws {
        throw NotYetBuilt(command: "doctor")
    }
}

import ArgumentParser

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: "Send one device event, as a device would.")

    func run() async throws {
        throw NotYetBuilt(command: "publish")
    }
}

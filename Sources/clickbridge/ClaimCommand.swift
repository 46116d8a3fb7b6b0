import ArgumentParser

struct Claim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "claim", abstract: "Initiate a claim, wait for a press, finalize.")

    func run() async throws {
        throw NotYetBuilt(command: "claim")
    }
}

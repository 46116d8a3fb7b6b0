import ArgumentParser

struct RegisterAVS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register-avs", abstract: "Alexa for Business RegisterAVSDevice.")

    func run() async throws {
        throw NotYetBuilt(command: "register-avs")
    }
}

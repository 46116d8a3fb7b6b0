import ArgumentParser
import OneClick

struct RegisterAVS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register-avs", abstract: "Alexa for Business RegisterAVSDevice.")

    @OptionGroup var client: ClientOptions

    @Option(help: "The AVS client id (1 to 256 non-blank characters).")
    var clientId: String

    @Option(help: "The user code from the device's code-based linking (1 to 128 characters).")
    var userCode: String

    @Option(help: "The AVS product id (letters, digits, '_').")
    var productId: String

    @Option(help: "The Amazon id of the device's maker (letters and digits, up to 18).")
    var amazonId: String

    @Option(help: "The device serial number (letters and digits, up to 50).")
    var serial: String?

    @Option(help: "The ARN of the room to put the device in.")
    var roomArn: String?

    @Option(name: .customLong("tag"), help: "A tag, key=value; repeat for more.")
    var tags: [KeyValue] = []

    func run() async throws {
        try await failingInOneLine {
            let oneClick = try client.makeClient()
            let answer = try await oneClick.registerAVSDevice(RegisterAVSDeviceRequest(
                clientId: clientId, userCode: userCode, productId: productId, deviceSerialNumber: serial,
                amazonId: amazonId, roomArn: roomArn, tags: tags.isEmpty ? nil : tags.map { A4BTag(key: $0.key, value: $0.value) }))
            print(answer.DeviceArn ?? "registered (the service gave no DeviceArn)")
        }
    }
}

import ArgumentParser
import Foundation
import OneClick

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Send one device event, as a device would.",
        discussion: "Signs as the device side (profile 'bridge' unless --profile says otherwise). With --claim-code it first registers the device with that code.")

    @OptionGroup var client: ClientOptions

    @Option(help: "The device id, e.g. G030PM0123456789.")
    var deviceId: String

    @Option(help: "SINGLE, DOUBLE or LONG.")
    var click: ClickTypeArgument = .SINGLE

    @Option(help: "Register the device with this claim code (C- and 10 to 38 letters or digits) before publishing.")
    var claimCode: String?

    @Option(help: "The device's remaining battery life, 0 to 100.")
    var remainingLife: Double?

    func run() async throws {
        try await failingInOneLine {
            let oneClick = try client.makeClient(defaultProfile: "bridge")
            if let claimCode {
                _ = try await oneClick.registerDevice(deviceId: deviceId, DeviceRegistrationRequest(claimCode: claimCode))
                print("registered \(deviceId) with claim code \(claimCode)")
            }
            let event = DeviceEventRequest(eventId: UUID.random().lowercasedString, clickType: click.rawValue,
                                           reportedTime: WireTimestamp.now().formatted,
                                           remainingLife: remainingLife)
            let answer = try await oneClick.publishEvent(deviceId: deviceId, event)
            print("published \(event.clickType) for \(deviceId) at \(event.reportedTime) (event \(answer.eventId)\(answer.duplicate ? ", duplicate" : ""))")
        }
    }
}

enum ClickTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case SINGLE, DOUBLE, LONG

    init?(argument: String) {
        self.init(rawValue: argument.uppercased())
    }
}

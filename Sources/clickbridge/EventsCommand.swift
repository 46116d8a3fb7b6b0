import ArgumentParser
import Foundation
import OneClick

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "A device's events, as its owner sees them.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The device id.")
    var deviceId: String

    @Flag(help: "Print one JSON object per event and line: the event's stdEvent, with its deviceId.")
    var json = false

    @Flag(help: "Keep printing new events as they arrive, like tail -f (polls twice a second while it runs).")
    var follow = false

    func run() async throws {
        try await failingInOneLine {
            let oneClick = try client.makeClient()
            if follow {
                // Polls ListDeviceEvents twice a second while it runs (DeviceEventFollower); each
                // line is written at once, unbuffered, so a pipe sees it too.
                try await DeviceEventFollower(client: oneClick, deviceId: deviceId).follow { event in
                    let line = json ? Self.jsonLine(event, deviceId: deviceId) : Self.textLine(event)
                    Terminal.out(line)
                }
                return
            }
            // Every event: from the epoch to a day ahead, so a device clock running fast still shows.
            let to = Date().addingTimeInterval(86_400)
            var nextToken: String?
            var count = 0
            repeat {
                let page = try await oneClick.listDeviceEvents(deviceId: deviceId, from: Date(timeIntervalSince1970: 0), to: to,
                                                               maxResults: 250, nextToken: nextToken)
                for event in page.events ?? [] {
                    count += 1
                    print(json ? Self.jsonLine(event, deviceId: deviceId) : Self.textLine(event))
                }
                nextToken = page.nextToken
            } while nextToken != nil
            if !json && count == 0 {
                print("no events for \(deviceId)")
            }
        }
    }

    static func stdEvent(_ event: DeviceEvent) -> StdEvent? {
        event.stdEvent.flatMap { try? JSONDecoder().decode(StdEvent.self, from: Data($0.utf8)) }
    }

    static func textLine(_ event: DeviceEvent) -> String {
        guard let std = stdEvent(event) else { return "(an event that is not a button event: \(event.stdEvent ?? "empty"))" }
        var line = "\(std.reportedTime)  \(std.clickType)"
        if let life = std.remainingLife { line += "  remainingLife=\(life)" }
        return line
    }

    /// The stdEvent's fields plus `deviceId`, keys sorted.
    static func jsonLine(_ event: DeviceEvent, deviceId: String) -> String {
        struct Line: Encodable {
            let deviceId: String
            let clickType: String?
            let reportedTime: String?
            let remainingLife: Double?
            let testMode: Bool?
            let stdEvent: String?
        }
        let std = stdEvent(event)
        let line = Line(deviceId: event.device?.deviceId ?? deviceId, clickType: std?.clickType, reportedTime: std?.reportedTime,
                        remainingLife: std?.remainingLife, testMode: std?.testMode, stdEvent: std == nil ? event.stdEvent : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(line)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

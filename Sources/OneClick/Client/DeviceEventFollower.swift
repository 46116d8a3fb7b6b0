import Foundation

/// `clickbridge events --follow`: the device's events as they arrive, as its owner sees them.
///
/// The API has no push for a device's owner, so this polls ListDeviceEvents every `interval`
/// (0.5 s), and only while following, so a press shows within a second of its acknowledgement.
/// Each poll lists the last `lookback` (1 h) of reportedTime: an event that reaches the service
/// late (a bridge's outbox catching up) still shows, once. The first poll only records what is
/// already there; the events printed are the ones that arrive after following began.
public struct DeviceEventFollower: Sendable {
    public var client: OneClickClient
    public var deviceId: String
    public var interval: Duration
    public var lookback: TimeInterval

    public init(client: OneClickClient, deviceId: String, interval: Duration = .milliseconds(500), lookback: TimeInterval = 3600) {
        self.client = client
        self.deviceId = deviceId
        self.interval = interval
        self.lookback = lookback
    }

    /// Calls `onEvent` for each new event, oldest reportedTime first, until the task is cancelled
    /// or a call fails (its error is thrown: a wrong profile or an unclaimed device is not retried).
    public func follow(_ onEvent: (DeviceEvent) -> Void) async throws {
        // stdEvent (clickType, reportedTime with ms, remainingLife) → its reportedTime, to forget
        // events once they leave the window.
        var seen: [String: String] = [:]
        var first = true
        while !Task.isCancelled {
            let now = Date()
            let from = now.addingTimeInterval(-lookback)
            var fresh: [(String, DeviceEvent)] = []
            var token: String?
            repeat {
                let page = try await client.listDeviceEvents(deviceId: deviceId, from: from, to: now.addingTimeInterval(86_400),
                                                             maxResults: 250, nextToken: token)
                for event in page.events ?? [] {
                    let key = event.stdEvent ?? ""
                    guard seen[key] == nil else { continue }
                    let reported = Self.reportedTime(event) ?? ""
                    seen[key] = reported
                    fresh.append((reported, event))
                }
                token = page.nextToken
            } while token != nil
            if !first {
                for (_, event) in fresh.sorted(by: { $0.0 < $1.0 }) { onEvent(event) }
            }
            first = false
            // ISO-8601 UTC with milliseconds sorts as text.
            let horizon = WireTimestamp(secondsSinceEpoch: from.timeIntervalSince1970).formatted
            seen = seen.filter { $0.value.isEmpty || $0.value >= horizon }
            try await Task.sleep(for: interval)
        }
    }

    static func reportedTime(_ event: DeviceEvent) -> String? {
        guard let text = event.stdEvent, let std = try? JSONDecoder().decode(StdEvent.self, from: Data(text.utf8)) else { return nil }
        return std.reportedTime
    }
}

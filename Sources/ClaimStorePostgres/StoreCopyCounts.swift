/// How many rows of each kind `store copy` copied, or a database holds.
package struct StoreCopyCounts: Sendable, Equatable {
    package var devices = 0
    /// Of `devices`, those CLAIMED (their claim state is part of the device row).
    package var claimedDevices = 0
    package var claimInitiations = 0
    package var tags = 0
    package var events = 0
    package var deliveries = 0
    package var avsRegistrations = 0
    package var usedSignatures = 0

    package init(devices: Int = 0, claimedDevices: Int = 0, claimInitiations: Int = 0, tags: Int = 0, events: Int = 0,
                 deliveries: Int = 0, avsRegistrations: Int = 0, usedSignatures: Int = 0) {
        self.devices = devices
        self.claimedDevices = claimedDevices
        self.claimInitiations = claimInitiations
        self.tags = tags
        self.events = events
        self.deliveries = deliveries
        self.avsRegistrations = avsRegistrations
        self.usedSignatures = usedSignatures
    }

    package var isEmpty: Bool { self == StoreCopyCounts() }

    /// "3 devices (2 claimed), 1 claim initiation, …", every kind, zeros included.
    package var text: String {
        [
            Self.count(devices, "device", "devices") + " (\(claimedDevices) claimed)",
            Self.count(claimInitiations, "claim initiation", "claim initiations"),
            Self.count(tags, "tag", "tags"),
            Self.count(events, "event", "events"),
            Self.count(deliveries, "callback delivery", "callback deliveries"),
            Self.count(avsRegistrations, "AVS registration", "AVS registrations"),
            Self.count(usedSignatures, "used signature", "used signatures"),
        ].joined(separator: ", ")
    }

    /// Only the kinds there are, for saying what a database holds.
    package var nonZeroText: String {
        [
            (devices, "device", "devices"), (claimInitiations, "claim initiation", "claim initiations"), (tags, "tag", "tags"),
            (events, "event", "events"), (deliveries, "callback delivery", "callback deliveries"),
            (avsRegistrations, "AVS registration", "AVS registrations"), (usedSignatures, "used signature", "used signatures"),
        ].filter { $0.0 > 0 }.map { Self.count($0.0, $0.1, $0.2) }.joined(separator: ", ")
    }

    private static func count(_ n: Int, _ one: String, _ many: String) -> String {
        "\(n) \(n == 1 ? one : many)"
    }
}

extension ActionEvent {
    /// The press as committed to the outbox.
    public init(_ committed: CommittedGesture) {
        self.init(eventId: committed.eventId, deviceId: committed.deviceId, button: committed.button, gesture: committed.gesture,
                  reportedTime: committed.reportedTime)
    }

    /// A 1-Click press as queued in the outbox.
    public init(_ event: OutboxEvent) {
        self.init(eventId: event.eventId, deviceId: event.deviceId, button: event.button, clickType: event.clickType,
                  reportedTime: event.reportedTime)
    }
}

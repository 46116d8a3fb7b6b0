extension ActionEvent {
    /// The press as committed to the outbox.
    public init(_ event: OutboxEvent) {
        self.init(eventId: event.eventId, deviceId: event.deviceId, button: event.button, clickType: event.clickType,
                  reportedTime: event.reportedTime)
    }
}

import Presses

/// One press, as a device event waiting in the outbox for the service's acknowledgement.
public struct OutboxEvent: Sendable, Equatable {
    /// Insertion order; per device it is the delivery order.
    public var seq: Int64
    /// A UUID, stored by the service once: a redelivery after a crash is answered as a duplicate.
    public var eventId: String
    public var deviceId: String
    public var button: String
    public var clickType: ClickType
    /// The wall-clock time of the decision, ISO-8601 UTC with milliseconds (see `ReportedTime`).
    public var reportedTime: String
    /// Unix seconds when it was committed to the outbox; its age is measured from here.
    public var enqueuedAt: Double
    /// Failed delivery attempts so far.
    public var attempts: Int
}

/// A gesture as committed to the outbox: every gesture has its own event id and `reportedTime`,
/// and actions run once it is committed. Only SINGLE, DOUBLE and LONG are also queued for the
/// 1-Click service (`queued`), since its `clickType` has no value for the others.
public struct CommittedGesture: Sendable, Equatable {
    public var eventId: String
    public var deviceId: String
    public var button: String
    public var gesture: Gesture
    /// The wall-clock time of the decision, ISO-8601 UTC with milliseconds (see `ReportedTime`).
    public var reportedTime: String
    /// Unix seconds when it was committed.
    public var enqueuedAt: Double
    /// The event waiting for the service, with the same `eventId`; nil for the other gestures
    /// (and, from `committedGestures`, once the service has acknowledged it).
    public var queued: OutboxEvent?
}

/// An event the service refused for good (a 4xx that is not retryable). Kept, shown by `status`.
public struct DeadLetter: Sendable, Equatable {
    public var event: OutboxEvent
    public var failedAt: Double
    public var status: Int
    public var code: String
    public var message: String
}

/// The size of the outbox: how many events wait and how old the oldest is.
public struct Backlog: Sendable, Equatable {
    public var count: Int
    /// Seconds since the oldest waiting event was committed; nil when empty.
    public var oldestAge: Double?
    public var deadLetters: Int
}

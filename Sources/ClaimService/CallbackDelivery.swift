/// What became of one event's click callback: one row of `callback_delivery`, written in the
/// transaction that stored the event, so a restart resumes what was pending.
struct CallbackDelivery: Sendable, Equatable {
    enum State: String, Sendable {
        case pending, delivered, dead
    }

    var eventId: String
    /// The event's `seq`: a device's callbacks are delivered in this order.
    var eventSeq: Int64
    var deviceId: String
    /// The callback URL when the event was committed.
    var url: String
    /// The 1-Click button payload, fixed when the event was committed.
    var body: [UInt8]
    var state: State
    var attempts: Int
    var lastError: String?
    var lastStatus: Int?
    /// µs since the epoch, on the service's clock.
    var createdAt: Int64
    /// When a 2xx answer came, or when the delivery was declared dead.
    var settledAt: Int64?
}

/// One attempt's result, for the log and for tests.
enum CallbackReport: Sendable, Equatable {
    case delivered(eventId: String, attempts: Int, status: Int)
    case willRetry(eventId: String, attempts: Int, error: String)
    case dead(eventId: String, attempts: Int, error: String)

    var eventId: String {
        switch self {
        case .delivered(let id, _, _), .willRetry(let id, _, _), .dead(let id, _, _): id
        }
    }
}

import OneClick

/// What became of one event's click callback: one row of `callback_delivery`, written in the
/// transaction that stored the event, so a restart resumes what was pending.
package struct CallbackDelivery: Sendable, Equatable {
    package enum State: String, Sendable {
        case pending, delivered, dead
    }

    /// The URL and payload of the click callback an event of `device` fires, if it fires one.
    /// Both stores queue exactly this, in the event's transaction.
    package static func due(device: DeviceRecord, event: IncomingEvent, remainingLife: Double?) -> (url: String, body: [UInt8])? {
        // A disabled device's events fire no callbacks (ARCHITECTURE.md, "Claim rules"); nor does an unowned device's.
        // The stored callback is `{"url":…}`; an `awsLambdaArn` has no URL (no Lambda here).
        guard device.ownerAccount != nil, device.enabled, let url = StoredMap.decode(device.onClickCallback)["url"] else { return nil }
        let payload = ClickEventPayload(
            deviceId: device.deviceId, clickType: event.clickType,
            reportedTime: WireTimestamp(microseconds: event.reportedTime).formatted,
            remainingLife: remainingLife, attributes: device.attributes, type: device.type)
        return (url, payload.jsonBytes())
    }

    package init(eventId: String, eventSeq: Int64, deviceId: String, url: String, body: [UInt8], state: State, attempts: Int,
                 lastError: String?, lastStatus: Int?, createdAt: Int64, settledAt: Int64?) {
        self.eventId = eventId
        self.eventSeq = eventSeq
        self.deviceId = deviceId
        self.url = url
        self.body = body
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.lastStatus = lastStatus
        self.createdAt = createdAt
        self.settledAt = settledAt
    }

    package var eventId: String
    /// The event's `seq`: a device's callbacks are delivered in this order.
    package var eventSeq: Int64
    package var deviceId: String
    /// The callback URL when the event was committed.
    package var url: String
    /// The 1-Click button payload, fixed when the event was committed.
    package var body: [UInt8]
    package var state: State
    package var attempts: Int
    package var lastError: String?
    package var lastStatus: Int?
    /// µs since the epoch, on the service's clock.
    package var createdAt: Int64
    /// When a 2xx answer came, or when the delivery was declared dead.
    package var settledAt: Int64?
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

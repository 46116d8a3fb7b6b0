import OneClick

/// The bridge's `EventSink`: the device-side calls of the OneClick client, signed as the bridge's
/// principal. The client makes one attempt per call; the publisher's backoff does the retrying.
public struct OneClickSink: EventSink {
    public let client: OneClickClient

    public init(client: OneClickClient) {
        var client = client
        client.retry = .none
        self.client = client
    }

    public func register(deviceId: String, claimCode: String?) async throws {
        do {
            _ = try await client.registerDevice(deviceId: deviceId, DeviceRegistrationRequest(claimCode: claimCode))
        } catch {
            throw DeliveryError(error)
        }
    }

    public func publish(_ event: OutboxEvent) async throws {
        do {
            _ = try await client.publishEvent(deviceId: event.deviceId, DeviceEventRequest(
                eventId: event.eventId, clickType: event.clickType.rawValue, reportedTime: event.reportedTime))
        } catch {
            throw DeliveryError(error)
        }
    }
}

extension DeliveryError {
    /// Only an answer of the service can refuse an event for good; everything else is retried.
    init(_ error: OneClickClientError) {
        switch error {
        case .service(let e): self = .rejected(status: e.statusCode, code: e.code, message: e.message)
        case .connection(_, _, let reason): self = .connection(reason)
        case .malformedResponse(let operation, let reason): self = .connection("\(operation): unexpected answer: \(reason)")
        case .invalidRequest(let reason): self = .connection(reason)
        }
    }
}

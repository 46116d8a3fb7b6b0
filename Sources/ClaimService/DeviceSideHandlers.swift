import OneClick

/// The device side (ARCHITECTURE.md, "Device side"): `PUT /devices/{id}/registration` and `POST /devices/{id}/events`,
/// plus `GET /devices/{id}/registration`, which tells the bound principal the device's claim state.
extension ClaimServiceCore {
    /// The claim state as the device itself may know it (as a 1-Click button's light showed it):
    /// never who the owner is. 404 for an unknown device, 403 for another principal.
    func describeRegistration(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let status = try await store.registrationStatus(deviceId: deviceId, caller: input.caller, now: input.now,
                                                        claimExpiry: timing.claimExpiry)
        return .ok(status)
    }

    func registerDevice(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let request = try JSONWire.decode(RegistrationBody.self, from: input.body, as: .restJSON)
        let type = request.type ?? "button"
        guard (1...64).contains(type.count), type.utf8.allSatisfy({ $0 < 128 && $0 != 32 }) else {
            throw .invalidRequest("type '\(type.prefix(40))' is not a device type: 1 to 64 printable ASCII characters, e.g. button")
        }
        if let code = request.claimCode, !ClaimCode.isValid(code) {
            throw .invalidRequest("claimCode '\(code.prefix(60))' is not a claim code: C- followed by 10 to 38 letters or digits")
        }
        if let attributes = request.attributes {
            guard attributes.count <= 50 else { throw .invalidRequest("a device has at most 50 attributes, not \(attributes.count)") }
            for (k, v) in attributes where !(1...128).contains(k.count) || v.count > 256 {
                throw .invalidRequest("attribute '\(k.prefix(40))': keys have 1 to 128 characters and values at most 256")
            }
        }
        try await store.register(deviceId: deviceId, type: type, claimCode: request.claimCode,
                                 attributes: request.attributes, caller: input.caller, now: input.now)
        return .ok(DeviceRegistrationResponse(deviceId: deviceId, registered: true))
    }

    func ingestDeviceEvent(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let request = try JSONWire.decode(DeviceEventRequest.self, from: input.body, as: .restJSON)
        let event = try Self.validate(request)
        let outcome = try await store.ingest(deviceId: deviceId, event: event, caller: input.caller, now: input.now)
        // Delivery happens in the background: the acknowledgement never waits for a callback.
        if outcome.callbackQueued { callbacks.wake() }
        if !outcome.duplicate { configuration.metrics?.eventIngested() }
        if let cutoff = retention.cutoffIfDue(now: input.now) {
            // Retention is housekeeping: the event is committed and acknowledged whatever happens here.
            _ = try? await store.pruneEvents(receivedBefore: cutoff)
        }
        return .ok(DeviceEventResponse(eventId: request.eventId, duplicate: outcome.duplicate))
    }

    static func validate(_ request: DeviceEventRequest) throws(ServiceError) -> IncomingEvent {
        let id = request.eventId
        guard Self.isUUID(id) else {
            throw .invalidRequest("eventId '\(id.prefix(60))' is not a UUID (8-4-4-4-12 hex digits): give each event a fresh UUID and reuse it only to resend that event")
        }
        guard EventClickType(rawValue: request.clickType) != nil else {
            throw .invalidRequest("clickType '\(request.clickType.prefix(40))' is not SINGLE, DOUBLE or LONG")
        }
        guard let reported = WireTimestamp(request.reportedTime) else {
            throw .invalidRequest("reportedTime '\(request.reportedTime.prefix(60))' is not an ISO-8601 UTC time such as 2026-01-01T12:00:00.123Z")
        }
        if let life = request.remainingLife {
            guard life.isFinite, (0...100).contains(life) else {
                throw .invalidRequest("remainingLife \(life) is not a percentage from 0 to 100")
            }
        }
        return IncomingEvent(eventId: id, clickType: request.clickType, reportedTime: reported.microseconds,
                             remainingLife: request.remainingLife)
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits of either case.
    static func isUUID(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) else { return false }
            }
        }
        return true
    }
}

/// The registration body with every member optional, so a missing or mistyped one is a clear 400.
struct RegistrationBody: Decodable {
    var type: String?
    var claimCode: String?
    var attributes: [String: String]?
}

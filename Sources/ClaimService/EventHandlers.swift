import OneClick

/// ListDeviceEvents: the owner's view of a device's events, filtered on reportedTime.
extension ClaimServiceCore {
    func listDeviceEvents(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let from = try Self.timestamp(input.query, "fromTimeStamp")
        let to = try Self.timestamp(input.query, "toTimeStamp")
        let limit = try Paging.maxResults(input.query)
        guard from <= to else {
            throw .range("fromTimeStamp \(from.formatted) is after toTimeStamp \(to.formatted): swap them")
        }
        let scope = "\(input.caller.accountId)|\(deviceId)|\(from.microseconds)|\(to.microseconds)"
        var after: (Int64, Int64)?
        if let raw = try Paging.after(input.query, kind: "events", scope: scope) {
            let parts = raw.split(separator: ":")
            guard parts.count == 2, let rt = Int64(parts[0]), let seq = Int64(parts[1]) else {
                throw .range("nextToken is not from this listing: start over without it")
            }
            after = (rt, seq)
        }
        let (device, rows, more) = try await store.listEvents(
            deviceId: deviceId, account: input.caller.accountId, from: from.microseconds, to: to.microseconds,
            after: after, limit: limit)
        let summary = Device(attributes: device.attributes, deviceId: device.deviceId, type: device.type)
        let events = rows.map { row in
            DeviceEvent(device: summary, stdEvent: JSONWire.encodeString(StdEvent(
                clickType: row.clickType,
                reportedTime: WireTimestamp(microseconds: row.reportedTime).formatted,
                remainingLife: row.remainingLife,
                testMode: false)))
        }
        let next = more ? rows.last.map { PageToken(kind: "events", scope: scope, after: "\($0.reportedTime):\($0.seq)").encoded } : nil
        return .ok(ListDeviceEventsResponse(events: events, nextToken: next))
    }

    static func timestamp(_ query: QueryParameters, _ name: String) throws(ServiceError) -> WireTimestamp {
        guard let raw = query.first(name), !raw.isEmpty else {
            throw .invalidRequest("\(name) is required: an ISO-8601 UTC time such as 2018-01-01T00:00:00Z")
        }
        if let t = WireTimestamp(raw) { return t }
        // Epoch seconds, as some clients send timestamps.
        if let seconds = Double(raw), seconds.isFinite, abs(seconds) < 1e11 { return WireTimestamp(secondsSinceEpoch: seconds) }
        throw .invalidRequest("\(name) '\(raw.prefix(60))' is not an ISO-8601 time: use e.g. 2018-01-01T00:00:00Z")
    }
}

import OneClick

/// DescribeDevice, ListDevices and UpdateDeviceState.
extension ClaimServiceCore {
    func describeDevice(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let (device, tags) = try await store.ownedDevice(deviceId: deviceId, account: input.caller.accountId)
        let response = DescribeDeviceResponse(deviceDescription: description(device, tags: tags, caller: input.caller))
        return Reply(status: 200, body: DeviceJSON.describeDevice(response) ?? JSONWire.encode(response))
    }

    func listDevices(_ input: OperationInput) async throws(ServiceError) -> Reply {
        let limit = try Paging.maxResults(input.query)
        let type = input.query.first("deviceType").flatMap { $0.isEmpty ? nil : $0 }
        let scope = input.caller.accountId + "|" + (type ?? "")
        let after = try Paging.after(input.query, kind: "devices", scope: scope)
        let (page, more) = try await store.listDevices(
            account: input.caller.accountId, type: type, afterDeviceId: after, limit: limit)
        let next = more ? page.last.map { PageToken(kind: "devices", scope: scope, after: $0.0.deviceId).encoded } : nil
        let response = ListDevicesResponse(devices: page.map { description($0.0, tags: $0.1, caller: input.caller) }, nextToken: next)
        return Reply(status: 200, body: DeviceJSON.listDevices(response) ?? JSONWire.encode(response))
    }

    func updateDeviceState(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let request = try JSONWire.decode(UpdateDeviceStateRequest.self, from: input.body, as: .restJSON)
        guard let enabled = request.enabled else {
            throw .invalidRequest("'enabled' is required: send {\"enabled\": true} or {\"enabled\": false}")
        }
        try await store.setEnabled(deviceId: deviceId, account: input.caller.accountId, enabled: enabled)
        return .ok(UpdateDeviceStateResponse())
    }
}

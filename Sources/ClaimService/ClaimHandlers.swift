import OneClick

/// InitiateDeviceClaim, FinalizeDeviceClaim, UnclaimDevice and ClaimDevicesByClaimCode.
extension ClaimServiceCore {
    func initiateDeviceClaim(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        try await store.initiateClaim(deviceId: deviceId, account: input.caller.accountId, now: input.now)
        return .ok(DeviceClaimResponse(state: ClaimState.claimInitiated.rawValue))
    }

    func finalizeDeviceClaim(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        let request = try JSONWire.decode(FinalizeDeviceClaimRequest.self, from: input.body, as: .restJSON)
        let tags = request.tags ?? [:]
        try TagRules.validate(tags)
        try await store.finalizeClaim(deviceId: deviceId, account: input.caller.accountId, tags: tags, now: input.now, timing: timing)
        return .ok(DeviceClaimResponse(state: ClaimState.claimed.rawValue))
    }

    func unclaimDevice(_ deviceId: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        try Self.checkDeviceId(deviceId)
        try await store.unclaim(deviceId: deviceId, account: input.caller.accountId)
        return .ok(DeviceClaimResponse(state: ClaimState.unclaimed.rawValue))
    }

    func claimDevicesByClaimCode(_ code: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        let total = try await store.claimByCode(code, account: input.caller.accountId, now: input.now)
        return .ok(ClaimDevicesByClaimCodeResponse(claimCode: code, total: total))
    }
}

import OneClick

/// ListTagsForResource, TagResource (204) and UntagResource (204) on device ARNs.
extension ClaimServiceCore {
    /// The device an ARN names, if it is a device ARN of the caller's account. Any region is
    /// accepted: the service is one region-less store, and ARNs carry the caller's region.
    func deviceId(fromArn arn: String, _ input: OperationInput, malformed: ServiceError) throws(ServiceError) -> String {
        guard let parsed = DeviceArn(arn) else { throw malformed }
        guard parsed.accountId == input.caller.accountId else { throw .noSuchDevice(parsed.deviceId) }
        return parsed.deviceId
    }

    func listTagsForResource(_ arn: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        // The model lists no 400 for this operation: a malformed ARN names no resource.
        let id = try deviceId(fromArn: arn, input, malformed: .notFound("'\(arn.prefix(120))' is not a device ARN: arn:aws:iot1click:REGION:ACCOUNT:devices/DEVICEID"))
        let (_, tags) = try await store.ownedDevice(deviceId: id, account: input.caller.accountId)
        return .ok(ListTagsForResourceResponse(tags: tags))
    }

    func tagResource(_ arn: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        let id = try deviceId(fromArn: arn, input, malformed: .invalidRequest("'\(arn.prefix(120))' is not a device ARN: arn:aws:iot1click:REGION:ACCOUNT:devices/DEVICEID"))
        let request = try JSONWire.decode(TagResourceBody.self, from: input.body, as: .restJSON)
        guard let tags = request.tags else { throw .invalidRequest("'tags' is required: {\"tags\":{\"key\":\"value\"}}") }
        try TagRules.validate(tags)
        try await store.addTags(deviceId: id, account: input.caller.accountId, tags: tags)
        return .noContent
    }

    func untagResource(_ arn: String, _ input: OperationInput) async throws(ServiceError) -> Reply {
        let id = try deviceId(fromArn: arn, input, malformed: .invalidRequest("'\(arn.prefix(120))' is not a device ARN: arn:aws:iot1click:REGION:ACCOUNT:devices/DEVICEID"))
        let keys = input.query.all("tagKeys")
        guard !keys.isEmpty else { throw .invalidRequest("tagKeys is required: ?tagKeys=a&tagKeys=b") }
        for key in keys { try TagRules.validateKey(key) }
        try await store.removeTags(deviceId: id, account: input.caller.accountId, keys: keys)
        return .noContent
    }
}

/// TagResource's body with `tags` optional, so a missing member is our clear 400.
struct TagResourceBody: Decodable {
    var tags: [String: String]?
}

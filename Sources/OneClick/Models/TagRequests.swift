// Request and response shapes of the tag operations. `resourceArn` is the URI label
// `resource-arn`, percent-encoded on the wire (including `/` and `:`).

/// `GET /tags/{resource-arn}`.
public struct ListTagsForResourceRequest: Sendable, Equatable {
    public var resourceArn: String
    public init(resourceArn: String) { self.resourceArn = resourceArn }
}

public struct ListTagsForResourceResponse: Codable, Sendable, Equatable {
    public var tags: [String: String]?
    public init(tags: [String: String]? = nil) { self.tags = tags }
}

/// `POST /tags/{resource-arn}` with `{"tags":{…}}`; answers 204 with no body.
public struct TagResourceRequest: Codable, Sendable, Equatable {
    public var resourceArn: String = ""
    public var tags: [String: String]
    public init(resourceArn: String, tags: [String: String]) {
        self.resourceArn = resourceArn
        self.tags = tags
    }
    private enum CodingKeys: String, CodingKey { case tags }
}

/// `DELETE /tags/{resource-arn}?tagKeys=a&tagKeys=b`; answers 204 with no body.
public struct UntagResourceRequest: Sendable, Equatable {
    public var resourceArn: String
    public var tagKeys: [String]
    public init(resourceArn: String, tagKeys: [String]) {
        self.resourceArn = resourceArn
        self.tagKeys = tagKeys
    }
}

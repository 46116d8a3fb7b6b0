// Alexa for Business `RegisterAVSDevice` (JSON 1.1, `X-Amz-Target: AlexaForBusiness.RegisterAVSDevice`).
// Wire names are UpperCamel exactly as in the model.

public struct RegisterAVSDeviceRequest: Codable, Sendable, Equatable {
    public var ClientId: String
    public var UserCode: String
    public var ProductId: String
    public var DeviceSerialNumber: String?
    public var AmazonId: String
    public var RoomArn: String?
    public var Tags: [A4BTag]?

    public init(
        clientId: String, userCode: String, productId: String, deviceSerialNumber: String? = nil,
        amazonId: String, roomArn: String? = nil, tags: [A4BTag]? = nil
    ) {
        self.ClientId = clientId
        self.UserCode = userCode
        self.ProductId = productId
        self.DeviceSerialNumber = deviceSerialNumber
        self.AmazonId = amazonId
        self.RoomArn = roomArn
        self.Tags = tags
    }
}

/// The model's `Tag` shape of Alexa for Business: `{"Key","Value"}`.
public struct A4BTag: Codable, Sendable, Equatable, Hashable {
    public var Key: String
    public var Value: String
    public init(key: String, value: String) {
        self.Key = key
        self.Value = value
    }
}

public struct RegisterAVSDeviceResponse: Codable, Sendable, Equatable {
    public var DeviceArn: String?
    public init(deviceArn: String? = nil) { self.DeviceArn = deviceArn }
}

/// The four modeled errors of RegisterAVSDevice. The model gives no HTTP status: all are 400, the
/// JSON-protocol default.
public enum A4BErrorCode: String, Codable, Sendable, CaseIterable {
    case limitExceeded = "LimitExceededException"
    case concurrentModification = "ConcurrentModificationException"
    case notFound = "NotFoundException"
    case invalidDevice = "InvalidDeviceException"

    public var httpStatus: Int { 400 }
}

/// The JSON 1.1 error body: `{"__type":"<Exception>","Message":"…"}`. botocore reads the code only
/// from `__type`.
public struct A4BErrorBody: Codable, Sendable, Equatable {
    public var type: String?
    public var message: String?
    public init(type: String? = nil, message: String? = nil) {
        self.type = type
        self.message = message
    }
    private enum CodingKeys: String, CodingKey {
        case type = "__type"
        case message = "Message"
    }
}

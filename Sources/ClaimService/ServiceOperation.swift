/// Every operation the service answers, with its URI labels already percent-decoded.
enum ServiceOperation: Equatable, Sendable {
    // iot1click-devices, as the model's `http` blocks say.
    case claimDevicesByClaimCode(claimCode: String)
    case describeDevice(deviceId: String)
    case finalizeDeviceClaim(deviceId: String)
    case getDeviceMethods(deviceId: String)
    case initiateDeviceClaim(deviceId: String)
    case invokeDeviceMethod(deviceId: String)
    case listDeviceEvents(deviceId: String)
    case listDevices
    case listTagsForResource(resourceArn: String)
    case tagResource(resourceArn: String)
    case unclaimDevice(deviceId: String)
    case untagResource(resourceArn: String)
    case updateDeviceState(deviceId: String)
    // The device side (ARCHITECTURE.md, "Device side").
    case registerDevice(deviceId: String)
    case describeRegistration(deviceId: String)
    case ingestDeviceEvent(deviceId: String)
    // Alexa for Business, JSON 1.1 on `POST /`.
    case registerAVSDevice

    /// The wire protocol, which decides how errors are rendered.
    var wire: WireProtocol {
        self == .registerAVSDevice ? .json11 : .restJSON
    }

    /// Whether a request for it spends its signature (replay protection, ARCHITECTURE.md
    /// "Security and durability"): every operation that can change state, except device events,
    /// whose repeats are already harmless (an identical resend is a duplicate).
    var spendsSignature: Bool {
        switch self {
        case .describeDevice, .listDevices, .listDeviceEvents, .getDeviceMethods, .listTagsForResource,
             .describeRegistration, .ingestDeviceEvent:
            false
        case .claimDevicesByClaimCode, .initiateDeviceClaim, .finalizeDeviceClaim, .unclaimDevice,
             .updateDeviceState, .invokeDeviceMethod, .tagResource, .untagResource, .registerDevice,
             .registerAVSDevice:
            true
        }
    }
}

/// The outcome of matching a request line to an operation.
enum RouteMatch: Equatable, Sendable {
    case operation(ServiceOperation)
    /// `POST /` with an `X-Amz-Target` other than RegisterAVSDevice.
    case unknownTarget(String)
    case malformedPath(String)
    case unknown
}

enum Routes {
    static let avsTarget = "AlexaForBusiness.RegisterAVSDevice"

    /// Matches method and raw (still percent-encoded) path. Labels are decoded here, once; a `/`
    /// inside a label arrives as `%2F` and so stays inside its segment.
    static func match(method: String, rawPath: String, target: String?) -> RouteMatch {
        var raw = Substring(rawPath)
        guard raw.first == "/" else { return .unknown }
        raw = raw.dropFirst()
        if raw.isEmpty {
            guard method == "POST" else { return .unknown }
            guard let target else { return .unknownTarget("") }
            return target == avsTarget ? .operation(.registerAVSDevice) : .unknownTarget(target)
        }
        var segments: [String] = []
        // Split as bytes: a Character-wise split costs ten times as much, and a raw path is ASCII.
        for bytes in raw.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let part = Substring(bytes)
            guard let decoded = PercentDecoding.decode(part) else {
                return .malformedPath("the request path has an invalid percent-encoding in '\(part)'")
            }
            segments.append(decoded)
        }
        switch (method, segments.count) {
        case ("GET", 1) where segments[0] == "devices":
            return .operation(.listDevices)
        case (_, 2):
            let (head, label) = (segments[0], segments[1])
            switch (method, head) {
            case ("PUT", "claims"): return .operation(.claimDevicesByClaimCode(claimCode: label))
            case ("GET", "devices"): return .operation(.describeDevice(deviceId: label))
            case ("GET", "tags"): return .operation(.listTagsForResource(resourceArn: label))
            case ("POST", "tags"): return .operation(.tagResource(resourceArn: label))
            case ("DELETE", "tags"): return .operation(.untagResource(resourceArn: label))
            default: return .unknown
            }
        case (_, 3) where segments[0] == "devices":
            let id = segments[1]
            switch (method, segments[2]) {
            case ("PUT", "finalize-claim"): return .operation(.finalizeDeviceClaim(deviceId: id))
            case ("PUT", "initiate-claim"): return .operation(.initiateDeviceClaim(deviceId: id))
            case ("PUT", "unclaim"): return .operation(.unclaimDevice(deviceId: id))
            case ("PUT", "state"): return .operation(.updateDeviceState(deviceId: id))
            case ("GET", "methods"): return .operation(.getDeviceMethods(deviceId: id))
            case ("POST", "methods"): return .operation(.invokeDeviceMethod(deviceId: id))
            case ("GET", "events"): return .operation(.listDeviceEvents(deviceId: id))
            case ("POST", "events"): return .operation(.ingestDeviceEvent(deviceId: id))
            case ("PUT", "registration"): return .operation(.registerDevice(deviceId: id))
            case ("GET", "registration"): return .operation(.describeRegistration(deviceId: id))
            default: return .unknown
            }
        default:
            return .unknown
        }
    }
}

/// An operation's name as the API spells it, for metrics' `operation` label: a fixed set, so the
/// label's values are bounded whatever the requests say.
enum OperationName: String, CaseIterable, Sendable {
    case claimDevicesByClaimCode = "ClaimDevicesByClaimCode"
    case describeDevice = "DescribeDevice"
    case finalizeDeviceClaim = "FinalizeDeviceClaim"
    case getDeviceMethods = "GetDeviceMethods"
    case initiateDeviceClaim = "InitiateDeviceClaim"
    case invokeDeviceMethod = "InvokeDeviceMethod"
    case listDeviceEvents = "ListDeviceEvents"
    case listDevices = "ListDevices"
    case listTagsForResource = "ListTagsForResource"
    case tagResource = "TagResource"
    case unclaimDevice = "UnclaimDevice"
    case untagResource = "UntagResource"
    case updateDeviceState = "UpdateDeviceState"
    case registerDevice = "RegisterDevice"
    case describeRegistration = "DescribeRegistration"
    case ingestDeviceEvent = "IngestDeviceEvent"
    case registerAVSDevice = "RegisterAVSDevice"
    /// No route matched (a wrong path or target, a malformed path, a CORS preflight).
    case unknown
}

extension RouteMatch {
    var operationName: OperationName {
        guard case .operation(let operation) = self else { return .unknown }
        return switch operation {
        case .claimDevicesByClaimCode: .claimDevicesByClaimCode
        case .describeDevice: .describeDevice
        case .finalizeDeviceClaim: .finalizeDeviceClaim
        case .getDeviceMethods: .getDeviceMethods
        case .initiateDeviceClaim: .initiateDeviceClaim
        case .invokeDeviceMethod: .invokeDeviceMethod
        case .listDeviceEvents: .listDeviceEvents
        case .listDevices: .listDevices
        case .listTagsForResource: .listTagsForResource
        case .tagResource: .tagResource
        case .unclaimDevice: .unclaimDevice
        case .untagResource: .untagResource
        case .updateDeviceState: .updateDeviceState
        case .registerDevice: .registerDevice
        case .describeRegistration: .describeRegistration
        case .ingestDeviceEvent: .ingestDeviceEvent
        case .registerAVSDevice: .registerAVSDevice
        }
    }
}

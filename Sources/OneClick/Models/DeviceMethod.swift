/// `DeviceMethod` of the iot1click-devices model.
public struct DeviceMethod: Codable, Sendable, Equatable, Hashable {
    public var deviceType: String?
    public var methodName: String?

    public init(deviceType: String? = nil, methodName: String? = nil) {
        self.deviceType = deviceType
        self.methodName = methodName
    }
}

/// The method names a button supports (the AWS CLI get-device-methods example).
public enum ButtonMethodName: String, CaseIterable, Sendable {
    case getDeviceHealthParameters
    case setDeviceHealthMonitorCallback
    case getDeviceHealthMonitorCallback
    case setOnClickCallback
    case getOnClickCallback
}

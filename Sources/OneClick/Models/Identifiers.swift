// Identifier rules shared by the service and its clients (ARCHITECTURE.md, "Device side").

public enum DeviceIdentifier {
    /// `^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`: a 1-Click DSN such as `G030PM0123456789` fits.
    public static func isValid(_ id: some StringProtocol) -> Bool {
        let u = Array(id.utf8)
        guard (1...64).contains(u.count), isAlnum(u[0]) else { return false }
        return u.dropFirst().allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}

public enum ClaimCode {
    /// `C-` followed by 10 to 38 letters or digits (12–40 characters in all, as the model's
    /// `__stringMin12Max40` response shape says).
    public static func isValid(_ code: some StringProtocol) -> Bool {
        let u = Array(code.utf8)
        guard (12...40).contains(u.count), u[0] == UInt8(ascii: "C"), u[1] == UInt8(ascii: "-") else { return false }
        return u.dropFirst(2).allSatisfy(isAlnum)
    }
}

/// Device ARNs: `arn:aws:iot1click:REGION:ACCOUNT:devices/DEVICEID`.
public struct DeviceArn: Sendable, Equatable {
    public var region: String
    public var accountId: String
    public var deviceId: String

    public init(region: String, accountId: String, deviceId: String) {
        self.region = region
        self.accountId = accountId
        self.deviceId = deviceId
    }

    public var description: String { "arn:aws:iot1click:\(region):\(accountId):devices/\(deviceId)" }

    /// Parses a device ARN; nil when the text is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iot1click",
              !parts[3].isEmpty, !parts[4].isEmpty, parts[5].hasPrefix("devices/")
        else { return nil }
        let id = parts[5].dropFirst("devices/".count)
        guard DeviceIdentifier.isValid(id) else { return nil }
        self.init(region: String(parts[3]), accountId: String(parts[4]), deviceId: String(id))
    }
}

@inline(__always) func isAlnum(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

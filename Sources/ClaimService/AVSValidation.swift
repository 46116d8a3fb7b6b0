import OneClick

/// Field rules of RegisterAVSDeviceRequest, from the model. Every pattern matches the whole
/// string. Two model patterns cannot be used as written:
/// - `ClientId`'s `^\S+{1,256}$` does not compile; it is enforced as 1–256 non-whitespace characters.
/// - `AmazonId`'s `[a-zA-Z0-9]{1,18}` is not anchored, which would accept any string with one
///   letter or digit in it; it is enforced anchored: 1–18 letters or digits.
enum AVSValidation {
    static func validate(_ r: RegisterAVSDeviceRequest) throws(ServiceError) {
        guard (1...256).contains(r.ClientId.count), !r.ClientId.contains(where: \.isWhitespace) else {
            throw .validation("ClientId must be 1 to 256 characters without whitespace")
        }
        guard (1...128).contains(r.UserCode.count) else {
            throw .validation("UserCode must be 1 to 128 characters long")
        }
        guard (1...256).contains(r.ProductId.utf8.count), r.ProductId.utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "_") }) else {
            throw .validation("ProductId must match ^[a-zA-Z0-9_]{1,256}$")
        }
        if let serial = r.DeviceSerialNumber {
            guard (1...50).contains(serial.utf8.count), serial.utf8.allSatisfy(isAlnum) else {
                throw .validation("DeviceSerialNumber must match ^[a-zA-Z0-9]{1,50}$")
            }
        }
        guard (1...18).contains(r.AmazonId.utf8.count), r.AmazonId.utf8.allSatisfy(isAlnum) else {
            throw .validation("AmazonId must be 1 to 18 letters or digits")
        }
        if let room = r.RoomArn, !isArn(room) {
            throw .validation("RoomArn '\(room.prefix(80))' is not an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE")
        }
        if let tags = r.Tags {
            guard tags.count <= 50 else { throw .validation("at most 50 Tags are allowed, not \(tags.count)") }
            for tag in tags {
                guard (1...128).contains(tag.Key.count), isTagText(tag.Key) else {
                    throw .validation("tag Key '\(tag.Key.prefix(40))' must be 1 to 128 letters, digits, spaces or _ . : / = + - @")
                }
                guard tag.Value.count <= 256, isTagText(tag.Value) else {
                    throw .validation("the Value of tag '\(tag.Key.prefix(40))' must be at most 256 letters, digits, spaces or _ . : / = + - @")
                }
            }
        }
    }

    /// `arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}`, whole string.
    static func isArn(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return false }
        func segment(_ s: Substring, min: Int) -> Bool {
            (min...63).contains(s.utf8.count) && s.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
        }
        guard segment(parts[1], min: 1), segment(parts[2], min: 0), segment(parts[3], min: 0), segment(parts[4], min: 0)
        else { return false }
        let resource = parts[5]
        guard let first = resource.first, first != "/", (1...1024).contains(resource.count) else { return false }
        // `.` matches anything but a line break.
        return !resource.contains { $0 == "\n" || $0 == "\r" }
    }

    /// `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`.
    static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { s in
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .spaceSeparator, .lineSeparator, .paragraphSeparator,
                 .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return "_.:/=+-@".unicodeScalars.contains(s)
            }
        }
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }
}

import Foundation

/// The AWS shared-credentials INI format, one profile per principal:
///
///     [owner]
///     aws_access_key_id = AKIA…
///     aws_secret_access_key = …
///     aws_account_id = 123456789012
///     region = us-east-1                        (optional)
///     aws_previous_access_key_id = AKIA…        (only during a key rotation)
///     aws_previous_secret_access_key = …
///     aws_previous_valid_until = 2026-11-23T00:30:00Z
///
/// `#` and `;` start comment lines. Keys are case-insensitive; other keys are kept as they are.
public struct CredentialsFile: Sendable, Equatable {
    public var profiles: [CredentialProfile]

    public init(profiles: [CredentialProfile] = []) {
        self.profiles = profiles
    }

    public func profile(named name: String) -> CredentialProfile? {
        profiles.first { $0.name == name }
    }

    enum Key {
        static let accessKeyId = "aws_access_key_id"
        static let secretAccessKey = "aws_secret_access_key"
        static let accountId = "aws_account_id"
        static let region = "region"
        static let previousAccessKeyId = "aws_previous_access_key_id"
        static let previousSecretAccessKey = "aws_previous_secret_access_key"
        static let previousValidUntil = "aws_previous_valid_until"
    }

    // MARK: Parsing

    public init(parsing text: String) throws(CredentialsFileError) {
        var profiles: [CredentialProfile] = []
        var names = Set<String>()  // a set, so a file of many profiles reads in linear time
        var current: (name: String, line: Int, settings: [(key: String, value: String, line: Int)])?

        func finish() throws(CredentialsFileError) {
            guard let section = current else { return }
            profiles.append(try Self.profile(name: section.name, line: section.line, settings: section.settings))
        }

        // Bytes, not Characters: a file of many profiles reads at memory speed, and every byte that
        // matters (brackets, '=', blanks, '#', ';') is ASCII.
        let bytes = Array(text.utf8)
        func isBlank(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 }
        func string(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        func trimmed(_ r: Range<Int>) -> Range<Int> {
            var lo = r.lowerBound, hi = r.upperBound
            while lo < hi, isBlank(bytes[lo]) { lo += 1 }
            while hi > lo, isBlank(bytes[hi - 1]) { hi -= 1 }
            return lo..<hi
        }
        var lineNumber = 0
        var next = 0
        while next <= bytes.count {
            var end = next
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            let r = trimmed(next..<end)
            next = end + 1
            lineNumber += 1
            guard let first = r.isEmpty ? nil : bytes[r.lowerBound], first != UInt8(ascii: "#"), first != UInt8(ascii: ";") else { continue }
            if first == UInt8(ascii: "[") {
                guard bytes[r.upperBound - 1] == UInt8(ascii: "]"), r.count >= 2 else {
                    throw CredentialsFileError(line: lineNumber, "a profile header must look like [name]; found '\(string(r))'")
                }
                let name = string(trimmed(r.lowerBound + 1..<r.upperBound - 1))
                guard Self.isValidProfileName(name) else {
                    throw CredentialsFileError(line: lineNumber, "profile name '\(name)' is not valid: use 1-64 letters, digits, '-', '_' or '.'")
                }
                try finish()
                guard names.insert(name).inserted else {
                    throw CredentialsFileError(line: lineNumber, "profile [\(name)] appears twice; keep one")
                }
                current = (name, lineNumber, [])
                continue
            }
            guard let eq = bytes[r].firstIndex(of: UInt8(ascii: "=")) else {
                throw CredentialsFileError(line: lineNumber, "expected 'key = value' or '[profile]'; found '\(string(r).prefix(80))'")
            }
            let key = string(trimmed(r.lowerBound..<eq)).lowercased()
            let value = string(trimmed(eq + 1..<r.upperBound))
            guard current != nil else {
                throw CredentialsFileError(line: lineNumber, "'\(key)' is outside any profile; put a [name] line before it")
            }
            guard !key.isEmpty else {
                throw CredentialsFileError(line: lineNumber, "a setting has no key before '='")
            }
            if current!.settings.contains(where: { $0.key == key }) {
                throw CredentialsFileError(line: lineNumber, "'\(key)' is set twice in profile [\(current!.name)]")
            }
            current!.settings.append((key, value, lineNumber))
        }
        try finish()
        self.profiles = profiles
    }

    private static func profile(name: String, line: Int, settings: [(key: String, value: String, line: Int)]) throws(CredentialsFileError) -> CredentialProfile {
        func value(_ key: String) -> (value: String, line: Int)? {
            settings.first { $0.key == key }.map { (value: $0.value, line: $0.line) }
        }
        func required(_ key: String) throws(CredentialsFileError) -> String {
            guard let v = value(key), !v.value.isEmpty else {
                throw CredentialsFileError(line: line, "profile [\(name)] has no \(key)")
            }
            return v.value
        }
        let accessKeyId = try required(Key.accessKeyId)
        let secret = try required(Key.secretAccessKey)
        if let account = value(Key.accountId), !isValidAccountId(account.value) {
            throw CredentialsFileError(line: account.line, "aws_account_id '\(account.value)' must be 12 digits")
        }
        var previous: CredentialProfile.PreviousKey?
        let previousKeys = [Key.previousAccessKeyId, Key.previousSecretAccessKey, Key.previousValidUntil]
        let present = previousKeys.filter { value($0) != nil }
        if !present.isEmpty {
            guard present.count == previousKeys.count else {
                let missing = previousKeys.filter { value($0) == nil }
                throw CredentialsFileError(line: line, "profile [\(name)] has \(present.joined(separator: ", ")) but not \(missing.joined(separator: ", ")); a rotation needs all three or none")
            }
            let until = value(Key.previousValidUntil)!
            guard let date = ISO8601Seconds.parse(until.value) else {
                throw CredentialsFileError(line: until.line, "aws_previous_valid_until '\(until.value)' must be a UTC time like 2026-11-23T00:30:00Z")
            }
            previous = .init(accessKeyId: value(Key.previousAccessKeyId)!.value,
                             secretAccessKey: value(Key.previousSecretAccessKey)!.value, validUntil: date)
        }
        let known = Set([Key.accessKeyId, Key.secretAccessKey, Key.accountId, Key.region] + previousKeys)
        return CredentialProfile(
            name: name, accessKeyId: accessKeyId, secretAccessKey: secret,
            accountId: value(Key.accountId)?.value, region: value(Key.region).flatMap { $0.value.isEmpty ? nil : $0.value },
            previousKey: previous,
            otherSettings: settings.filter { !known.contains($0.key) }.map { ($0.key, $0.value) },
            line: line)
    }

    static func isValidProfileName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    static func isValidAccountId(_ id: String) -> Bool {
        id.utf8.count == 12 && id.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    // MARK: Rules for the service

    /// What the service needs beyond the format: every profile has an account id, and no access
    /// key id belongs to two profiles (or is both a current and a previous key).
    public func validateForService() throws(CredentialsFileError) {
        if profiles.isEmpty {
            throw CredentialsFileError(line: nil, "no profiles: add one with 'clickbridge credentials add NAME'")
        }
        var seen: [String: String] = [:]
        for profile in profiles {
            guard profile.accountId != nil else {
                throw CredentialsFileError(line: profile.line, "profile [\(profile.name)] has no aws_account_id (12 digits); the service needs one per principal")
            }
            for key in [profile.accessKeyId] + (profile.previousKey.map { [$0.accessKeyId] } ?? []) {
                if let other = seen[key] {
                    throw CredentialsFileError(line: profile.line, "access key id \(key) is used by both [\(other)] and [\(profile.name)]; each key must be unique")
                }
                seen[key] = profile.name
            }
        }
    }

    // MARK: Rendering

    /// The file's text. Comments of a parsed file are not kept; settings are.
    public func rendered() -> String {
        var out = "# ClickBridge principals (AWS shared-credentials format). Keep this file private (mode 0600).\n"
        for profile in profiles {
            out += "\n[\(profile.name)]\n"
            out += "\(Key.accessKeyId) = \(profile.accessKeyId)\n"
            out += "\(Key.secretAccessKey) = \(profile.secretAccessKey)\n"
            if let account = profile.accountId { out += "\(Key.accountId) = \(account)\n" }
            if let region = profile.region { out += "\(Key.region) = \(region)\n" }
            if let previous = profile.previousKey {
                out += "\(Key.previousAccessKeyId) = \(previous.accessKeyId)\n"
                out += "\(Key.previousSecretAccessKey) = \(previous.secretAccessKey)\n"
                out += "\(Key.previousValidUntil) = \(ISO8601Seconds.format(previous.validUntil))\n"
            }
            for (key, value) in profile.otherSettings { out += "\(key) = \(value)\n" }
        }
        return out
    }
}

/// `2026-11-23T00:30:00Z`, whole seconds, UTC.
enum ISO8601Seconds {
    static func format(_ date: Date) -> String {
        let t = Array(AmzDate(date).timestamp)  // 20261123T003000Z
        let day = String(t[0..<4]) + "-" + String(t[4..<6]) + "-" + String(t[6..<8])
        let time = String(t[9..<11]) + ":" + String(t[11..<13]) + ":" + String(t[13..<15])
        return day + "T" + time + "Z"
    }

    static func parse(_ text: String) -> Date? {
        let c = Array(text)
        guard c.count == 20, c[4] == "-", c[7] == "-", c[10] == "T", c[13] == ":", c[16] == ":", c[19] == "Z" else { return nil }
        let day = String(c[0..<4]) + String(c[5..<7]) + String(c[8..<10])
        let time = String(c[11..<13]) + String(c[14..<16]) + String(c[17..<19])
        let compact = day + "T" + time + "Z"
        return AmzDate(parsing: compact)?.date
    }
}

import Foundation

/// One principal of the service: a profile of the AWS shared-credentials file.
public struct CredentialProfile: Sendable, Equatable {
    public var name: String
    public var accessKeyId: String
    public var secretAccessKey: String
    /// Required by the service (ARNs and ownership use it); a client signing for a foreign
    /// endpoint does not need it.
    public var accountId: String?
    public var region: String?
    /// The key a rotation replaced, valid until the current key is first used or until its time.
    public var previousKey: PreviousKey?
    /// Lines of the profile this code does not interpret (e.g. `aws_session_token`), kept so a
    /// rewrite loses nothing.
    public var otherSettings: [(key: String, value: String)]
    /// The line of the `[name]` header in the file it came from, for error messages.
    public var line: Int?

    public struct PreviousKey: Sendable, Equatable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var validUntil: Date

        /// `2026-11-23T00:30:00Z`, as the file has it.
        public var validUntilText: String { ISO8601Seconds.format(validUntil) }

        public init(accessKeyId: String, secretAccessKey: String, validUntil: Date) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.validUntil = validUntil
        }
    }

    public init(name: String, accessKeyId: String, secretAccessKey: String, accountId: String?, region: String? = nil,
                previousKey: PreviousKey? = nil, otherSettings: [(key: String, value: String)] = [], line: Int? = nil) {
        self.name = name
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.accountId = accountId
        self.region = region
        self.previousKey = previousKey
        self.otherSettings = otherSettings
        self.line = line
    }

    public static func == (a: CredentialProfile, b: CredentialProfile) -> Bool {
        a.name == b.name && a.accessKeyId == b.accessKeyId && a.secretAccessKey == b.secretAccessKey
            && a.accountId == b.accountId && a.region == b.region && a.previousKey == b.previousKey
            && a.otherSettings.map(\.key) == b.otherSettings.map(\.key)
            && a.otherSettings.map(\.value) == b.otherSettings.map(\.value)
    }
}

/// The key a client signs with.
public struct ClientCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// The profile's region, if it names one.
    public var region: String?

    public init(accessKeyId: String, secretAccessKey: String, region: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
    }

    public init(profile: CredentialProfile) {
        self.init(accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey, region: profile.region)
    }

    /// Reads profile `name` from a credentials file that only its owner (root, this user, or the
    /// daemon's user, whose file members of its group read) can change, and others cannot read.
    public static func load(path: String, profile name: String) throws(CredentialsFileError) -> ClientCredentials {
        do { try FileTrust.check(path, as: .credentials, alsoOwnedBy: FileTrust.daemonUser.map { [$0] } ?? []) } catch {
            throw CredentialsFileError(path: path, line: nil, error.reason)
        }
        let file = try CredentialsFile.load(path: path)
        guard let profile = file.profile(named: name) else {
            let names = file.profiles.map(\.name).joined(separator: ", ")
            throw CredentialsFileError(path: path, line: nil, "no profile [\(name)]; the file has: \(names.isEmpty ? "none" : names)")
        }
        return ClientCredentials(profile: profile)
    }
}

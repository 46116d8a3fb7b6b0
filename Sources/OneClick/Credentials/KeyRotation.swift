import Foundation

/// Key rotation: `rotate` gives a principal a new key and keeps the old one as its previous key.
/// The previous key stays valid until the new key is first used (the service then retires it)
/// or until `gracePeriod` has passed, whichever comes first.
public enum KeyRotation {
    public static let gracePeriod: TimeInterval = 24 * 3600

    /// A rotation while one is pending drops the oldest key: only one previous key is kept.
    public static func rotate(_ profile: CredentialProfile, now: Date, gracePeriod: TimeInterval = gracePeriod) -> CredentialProfile {
        var rotated = profile
        rotated.previousKey = .init(accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey,
                                    validUntil: now.addingTimeInterval(gracePeriod))
        rotated.accessKeyId = CredentialGenerator.accessKeyId()
        rotated.secretAccessKey = CredentialGenerator.secretAccessKey()
        return rotated
    }

    /// The identity an access key id stands for under the rotation rules, or nil.
    public static func identity(in file: CredentialsFile, accessKeyId: String, now: Date) -> SigV4Identity? {
        identity(in: file, index: keyIndex(file), accessKeyId: accessKeyId, now: now)
    }

    /// Every access key id (current and previous) to the index of its profile: what the service
    /// keeps beside a loaded file, so each request finds its key at once however many there are.
    /// The first profile holding a key wins, as a scan in file order would.
    public static func keyIndex(_ file: CredentialsFile) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(file.profiles.count)
        for (i, profile) in file.profiles.enumerated() {
            if index[profile.accessKeyId] == nil { index[profile.accessKeyId] = i }
            if let previous = profile.previousKey, index[previous.accessKeyId] == nil { index[previous.accessKeyId] = i }
        }
        return index
    }

    /// `identity`, with the file's `keyIndex`.
    public static func identity(in file: CredentialsFile, index: [String: Int], accessKeyId: String, now: Date) -> SigV4Identity? {
        guard let i = index[accessKeyId], i < file.profiles.count else { return nil }
        let profile = file.profiles[i]
        guard let account = profile.accountId else { return nil }
        if profile.accessKeyId == accessKeyId {
            return SigV4Identity(principal: profile.name, accountId: account, secretAccessKey: profile.secretAccessKey, generation: .current)
        }
        if let previous = profile.previousKey, previous.accessKeyId == accessKeyId, now < previous.validUntil {
            return SigV4Identity(principal: profile.name, accountId: account, secretAccessKey: previous.secretAccessKey, generation: .previous)
        }
        return nil
    }

    /// Removes the previous key of a principal whose current key has now been used. Returns
    /// false when there was nothing to retire.
    @discardableResult
    public static func retirePreviousKey(of principal: String, in file: inout CredentialsFile) -> Bool {
        guard let i = file.profiles.firstIndex(where: { $0.name == principal }), file.profiles[i].previousKey != nil else { return false }
        file.profiles[i].previousKey = nil
        return true
    }
}

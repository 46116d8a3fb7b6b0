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
        for profile in file.profiles {
            guard let account = profile.accountId else { continue }
            if profile.accessKeyId == accessKeyId {
                return SigV4Identity(principal: profile.name, accountId: account, secretAccessKey: profile.secretAccessKey, generation: .current)
            }
            if let previous = profile.previousKey, previous.accessKeyId == accessKeyId, now < previous.validUntil {
                return SigV4Identity(principal: profile.name, accountId: account, secretAccessKey: previous.secretAccessKey, generation: .previous)
            }
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

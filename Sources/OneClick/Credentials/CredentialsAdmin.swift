import Foundation

/// What `clickbridge credentials add | rotate | list` do to a credentials file.
public enum CredentialsAdmin {
    /// Adds a principal with a fresh key, in `accountId` or a new random account.
    public static func add(name: String, accountId: String?, to file: inout CredentialsFile) throws(CredentialsFileError) -> CredentialProfile {
        guard CredentialsFile.isValidProfileName(name) else {
            throw CredentialsFileError(line: nil, "principal name '\(name)' is not valid: use 1-64 letters, digits, '-', '_' or '.'")
        }
        guard file.profile(named: name) == nil else {
            throw CredentialsFileError(line: nil, "principal '\(name)' already exists; use 'clickbridge credentials rotate \(name)' for a new key")
        }
        if let accountId, !CredentialsFile.isValidAccountId(accountId) {
            throw CredentialsFileError(line: nil, "account id '\(accountId)' must be 12 digits")
        }
        let profile = CredentialGenerator.profile(name: name, accountId: accountId ?? CredentialGenerator.accountId())
        file.profiles.append(profile)
        return profile
    }

    /// Rotates a principal's key; returns the profile before and after. `holder` names where the
    /// principals are kept, for the message when `name` is not among them.
    public static func rotate(name: String, in file: inout CredentialsFile, now: Date,
                              holder: String = "the file") throws(CredentialsFileError) -> (old: CredentialProfile, new: CredentialProfile) {
        guard let i = file.profiles.firstIndex(where: { $0.name == name }) else {
            let names = file.profiles.map(\.name).joined(separator: ", ")
            throw CredentialsFileError(line: nil, "no principal '\(name)'; \(holder) has: \(names.isEmpty ? "none" : names)")
        }
        let old = file.profiles[i]
        file.profiles[i] = KeyRotation.rotate(old, now: now)
        return (old, file.profiles[i])
    }

    /// One line per principal: name, account, access key id, region, rotation state. No secrets.
    public static func listing(_ file: CredentialsFile, now: Date) -> [String] {
        let header = ["PRINCIPAL", "ACCOUNT", "ACCESS KEY ID", "REGION", "PREVIOUS KEY"]
        let rows = file.profiles.map { profile -> [String] in
            var previous = "-"
            if let key = profile.previousKey {
                previous = now < key.validUntil
                    ? "\(key.accessKeyId) valid until \(key.validUntilText) or the new key's first use"
                    : "\(key.accessKeyId) expired"
            }
            return [profile.name, profile.accountId ?? "-", profile.accessKeyId, profile.region ?? "-", previous]
        }
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}

import Foundation

/// Random principals, from the system CSPRNG (`SystemRandomNumberGenerator` reads getrandom(2)).
public enum CredentialGenerator {
    /// `AKIA` and 16 characters of base32, the shape of an AWS access key id.
    public static func accessKeyId() -> String {
        "AKIA" + randomString(count: 16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    }

    /// 40 characters of the base64 alphabet, the shape of an AWS secret access key (240 bits).
    public static func secretAccessKey() -> String {
        randomString(count: 40, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    }

    /// 12 digits, not starting with 0.
    public static func accountId() -> String {
        randomString(count: 1, from: "123456789") + randomString(count: 11, from: "0123456789")
    }

    public static func profile(name: String, accountId: String) -> CredentialProfile {
        CredentialProfile(name: name, accessKeyId: accessKeyId(), secretAccessKey: secretAccessKey(), accountId: accountId)
    }

    /// The file `serve` and `run` create when there is none: one random account with two
    /// principals, `bridge` (the device side) and `owner` (the person who claims).
    public static func defaultFile() -> CredentialsFile {
        let account = accountId()
        return CredentialsFile(profiles: defaultProfiles.map { profile(name: $0, accountId: account) })
    }

    /// The principals of the default file: the device side, then the person who claims.
    public static let defaultProfiles = ["bridge", "owner"]

    static func randomString(count: Int, from alphabet: String) -> String {
        let symbols = Array(alphabet)
        var rng = SystemRandomNumberGenerator()
        // random(in:) rejects out-of-range draws, so there is no modulo bias.
        return String((0..<count).map { _ in symbols[Int.random(in: 0..<symbols.count, using: &rng)] })
    }
}

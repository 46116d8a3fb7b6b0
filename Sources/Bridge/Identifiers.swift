import OneClick

/// How the configuration explains the identifier rules (`OneClick.DeviceIdentifier` and
/// `OneClick.ClaimCode` check them).
enum IdentifierRules {
    static let deviceId = "1 to 64 letters, digits, '_' or '-', starting with a letter or digit (e.g. G030PM0123456789)"
    static let claimCode = "'C-' followed by 10 to 38 letters or digits (e.g. C-3F9A2K7Q1Z)"
}

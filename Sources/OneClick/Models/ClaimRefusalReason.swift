/// Why FinalizeDeviceClaim answered 412, for programs rather than people: ClickBridge's service
/// sends it in the `x-clickbridge-reason` header, since the JSON body must stay botocore's
/// `PreconditionFailedException` (code and message) and SDKs ignore headers they do not know.
public enum ClaimRefusalReason: String, Sendable, CaseIterable {
    /// No claim initiated by the caller's account: pressing cannot help.
    case notInitiated = "claim-not-initiated"
    /// The initiation is older than the claim expiry: pressing cannot help.
    case expired = "claim-expired"
    /// No press since the initiation: a press will fix it.
    case noPress = "no-press-since-initiation"

    public static let header = "x-clickbridge-reason"

    /// Whether waiting for a press can turn this refusal into a claim.
    public var pressCanFix: Bool { self == .noPress }
}

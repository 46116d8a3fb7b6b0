/// The values of `state` in the claim responses (ARCHITECTURE.md, "Claim rules").
public enum ClaimState: String, Codable, Sendable, CaseIterable {
    case unclaimed = "UNCLAIMED"
    case claimInitiated = "CLAIM_INITIATED"
    case claimed = "CLAIMED"
}

/// The values of `state` in the claim responses (spec/README.md, "Claim states").
public enum ClaimState: String, Codable, Sendable, CaseIterable {
    case unclaimed = "UNCLAIMED"
    case claimInitiated = "CLAIM_INITIATED"
    case claimed = "CLAIMED"
}

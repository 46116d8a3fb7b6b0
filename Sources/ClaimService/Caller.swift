/// Who is calling: the authenticated principal, its account, and the region of the request's
/// credential scope (which goes into the ARNs it is shown).
public struct Caller: Sendable, Hashable {
    /// The principal's name: its profile in the credentials file.
    public var principal: String
    public var accountId: String
    public var region: String

    public init(principal: String, accountId: String, region: String) {
        self.principal = principal
        self.accountId = accountId
        self.region = region
    }
}

import GRDB

/// What a request's signature says about the request, given the signatures already spent.
package enum SignatureUse: Sendable, Equatable {
    /// Never seen, or forgotten because it no longer verifies: the request runs.
    case first
    /// Seen, but within the grace after its first use (µs since the epoch): the request runs.
    case withinGrace(firstUsedAt: Int64)
    /// Seen before the grace: a replay, refused.
    case replay(firstUsedAt: Int64)
}

/// The signatures of state-changing requests, remembered for as long as they verify, so that a
/// captured request cannot be run again (ARCHITECTURE.md, "Security and durability"). The SQLite
/// store keeps them in `used_signature`; another store (a fleet's PostgreSQL) implements this one
/// call, atomic and durable before it returns.
package protocol UsedSignatures: Sendable {
    /// Records the first use of `signature`, or says when it was first used and whether `now` is
    /// still within `grace` of that. Forgets the signatures that no longer verify.
    func use(_ signature: VerifiedSignature, now: Int64, grace: Int64) async throws(ServiceError) -> SignatureUse
}

extension Store {
    func use(_ signature: VerifiedSignature, now: Int64, grace: Int64) async throws(ServiceError) -> SignatureUse {
        try await write { db in
            // Pruned as they expire: from then on the verifier refuses their X-Amz-Date anyway.
            try db.cachedStatement(sql: "DELETE FROM used_signature WHERE validUntil <= ?").execute(arguments: [now])
            if let usedAt = try Int64.fetchOne(db.cachedStatement(sql: "SELECT usedAt FROM used_signature WHERE signature = ?"),
                                               arguments: [signature.value]) {
                return now - usedAt <= grace ? .withinGrace(firstUsedAt: usedAt) : .replay(firstUsedAt: usedAt)
            }
            try db.cachedStatement(sql: "INSERT INTO used_signature (signature, usedAt, validUntil) VALUES (?, ?, ?)").execute(
                           arguments: [signature.value, now, signature.validUntil])
            return .first
        }
    }
}

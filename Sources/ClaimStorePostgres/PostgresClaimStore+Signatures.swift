import ClaimService
import Logging
import PostgresNIO

/// Replay protection: a signature is spent once across all instances.
extension PostgresClaimStore {
    package func use(_ signature: VerifiedSignature, now: Int64, grace: Int64) async throws(ServiceError) -> SignatureUse {
        try await write { connection, logger in
            // Pruned as they expire: from then on the verifier refuses their X-Amz-Date anyway.
            try await connection.query("DELETE FROM used_signature WHERE valid_until <= \(now)", logger: logger)
            if let usedAt = try await Self.scalar(connection, "SELECT used_at FROM used_signature WHERE signature = \(signature.value)",
                                                  as: Int64.self, logger: logger) {
                return now - usedAt <= grace ? .withinGrace(firstUsedAt: usedAt) : .replay(firstUsedAt: usedAt)
            }
            try await connection.query("""
                INSERT INTO used_signature (signature, used_at, valid_until) VALUES (\(signature.value), \(now), \(signature.validUntil))
                """, logger: logger)
            return .first
        }
    }
}

import ClaimService
import Foundation
import OneClick

/// SigV4 verification against the fleet database's principals, with the file store's rotation
/// rules (`KeyRotation`), for `serve --database`.
///
/// Every signed request looks its access key up in the database: one indexed single-row SELECT on
/// a pooled connection, with no transaction around it. There is no cache, so an add, a rotation
/// or a retired previous key, made through any instance or the CLI, holds at every instance's
/// next request; a cache would need invalidation across instances (LISTEN/NOTIFY, whose
/// connection can drop unnoticed) for about the cost of the lookup it saves.
public struct PostgresCredentialAuthenticator: RequestAuthenticator {
    public let store: PostgresClaimStore
    public let verifier: SigV4Verifier

    public init(store: PostgresClaimStore, verifier: SigV4Verifier = SigV4Verifier(maxClockSkewSeconds: 300)) {
        self.store = store
        self.verifier = verifier
    }

    public func authenticate(_ request: SignedRequest, expectedService: String) async -> Result<Authentication, ServiceError> {
        let sigv4 = SigV4Request(method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery ?? "",
                                 headers: request.headers, body: request.body)
        let now = Date()
        // The verifier looks keys up synchronously, so the one it will ask for is fetched first. A
        // request whose Authorization does not parse needs none: the verifier says what is wrong.
        var holder: CredentialProfile?
        if let accessKeyId = SigV4Verifier.accessKeyId(of: sigv4) {
            do {
                holder = try await store.principal(holding: accessKeyId)
            } catch {
                return .failure(error)
            }
        }
        let principal: SigV4Principal
        do {
            principal = try verifier.verify(sigv4, service: expectedService, now: now) { accessKeyId in
                holder.flatMap { KeyRotation.identity(in: CredentialsFile(profiles: [$0]), accessKeyId: accessKeyId, now: now) }
            }
        } catch {
            return .failure(ServiceError(code: error.code, status: error.httpStatus, message: error.message))
        }
        if principal.generation == .current, holder?.previousKey != nil {
            // As the file store does: the new key's first use retires the old one. If that cannot be
            // recorded the request is not carried out (500, retried), so the old key never
            // outlives it unnoticed.
            do {
                try await store.retirePreviousKey(of: principal.name, currentKey: principal.accessKeyId)
            } catch {
                return .failure(error)
            }
        }
        // The verifier accepts an X-Amz-Date (whole seconds) while it is at most maxClockSkew
        // from its clock's whole second: until one second past date + skew.
        let validUntil = (principal.signedAt + verifier.maxClockSkew + 1) * 1_000_000
        return .success(Authentication(
            caller: Caller(principal: principal.name, accountId: principal.accountId, region: principal.region),
            signature: VerifiedSignature(value: principal.signature, validUntil: validUntil)))
    }
}

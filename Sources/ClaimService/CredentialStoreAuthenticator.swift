import Foundation
import OneClick

/// SigV4 verification against the credentials file (OneClick's `CredentialStore` and
/// `SigV4Verifier`, 5-minute skew), as the service's authenticator.
public struct CredentialStoreAuthenticator: RequestAuthenticator {
    public let store: CredentialStore
    public let verifier: SigV4Verifier

    public init(store: CredentialStore, verifier: SigV4Verifier = SigV4Verifier(maxClockSkewSeconds: 300)) {
        self.store = store
        self.verifier = verifier
    }

    public func authenticate(_ request: SignedRequest, expectedService: String) async -> Result<Authentication, ServiceError> {
        let sigv4 = SigV4Request(method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery ?? "",
                                 headers: request.headers, body: request.body)
        do {
            let principal = try store.authenticate(sigv4, service: expectedService, now: Date(), verifier: verifier)
            // The verifier accepts an X-Amz-Date (whole seconds) while it is at most maxClockSkew
            // from its clock's whole second: until one second past date + skew.
            let validUntil = (principal.signedAt + verifier.maxClockSkew + 1) * 1_000_000
            return .success(Authentication(
                caller: Caller(principal: principal.name, accountId: principal.accountId, region: principal.region),
                signature: VerifiedSignature(value: principal.signature, validUntil: validUntil)))
        } catch {
            return .failure(ServiceError(code: error.code, status: error.httpStatus, message: error.message))
        }
    }
}

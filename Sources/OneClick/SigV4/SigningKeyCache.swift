import Crypto
import Synchronization

/// Derived SigV4 signing keys, reused for a key's requests of the same day, region and service:
/// the derivation is four HMACs, about half of what a verification costs otherwise. Bounded, so
/// a stream of unknown scopes cannot grow it.
public final class SigningKeyCache: Sendable {
    struct Scope: Hashable {
        let accessKeyId: String
        let secret: String
        let day: String
        let region: String
        let service: String
    }

    // The HMAC already keyed with the signing key: keying it hashes two blocks, 15,000
    // instructions a request; a copy shares that state until it is updated.
    private let keys = Mutex<[Scope: HMAC<SHA256>]>([:])
    private let capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// An HMAC keyed with the signing key of this scope, ready for the string to sign.
    func mac(accessKeyId: String, secret: String, day: String, region: String, service: String) -> HMAC<SHA256> {
        let scope = Scope(accessKeyId: accessKeyId, secret: secret, day: day, region: region, service: service)
        if let key = keys.withLock({ $0[scope] }) { return key }
        let key = HMAC<SHA256>(key: SigV4Crypto.signingKey(secret: secret, day: day, region: region, service: service))
        keys.withLock { keys in
            // Days roll over and keys rotate; dropping everything now and then is simplest.
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[scope] = key
        }
        return key
    }
}

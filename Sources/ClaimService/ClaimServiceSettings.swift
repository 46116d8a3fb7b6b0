import OneClick

/// What an operator chooses about the claim service, whether as `serve`'s flags or as `run`'s
/// configuration keys (embedded). `configuration()` is the one place the service is assembled
/// from them, so the two ways of running it cannot drift apart.
public struct ClaimServiceSettings: Sendable {
    public var stateDirectory: String
    public var listen: ListenAddress
    /// The credentials file that says who may call the service.
    public var credentialsPath: String
    public var allowUnsigned: Bool
    public var rooms: [String]
    /// µs, as in `ClaimServiceConfiguration`.
    public var claimExpiry: Int64
    /// µs, as in `ClaimServiceConfiguration`.
    public var eventRetention: Int64
    public var allowPrivateCallbacks: Bool
    public var connectionLimits: ConnectionLimits

    public init(stateDirectory: String, listen: ListenAddress, credentialsPath: String, allowUnsigned: Bool = false,
                rooms: [String] = [], claimExpiry: Int64 = 600_000_000, eventRetention: Int64 = 90 * 86_400 * 1_000_000,
                allowPrivateCallbacks: Bool = false, connectionLimits: ConnectionLimits = ConnectionLimits()) {
        self.stateDirectory = stateDirectory
        self.listen = listen
        self.credentialsPath = credentialsPath
        self.allowUnsigned = allowUnsigned
        self.rooms = rooms
        self.claimExpiry = claimExpiry
        self.eventRetention = eventRetention
        self.allowPrivateCallbacks = allowPrivateCallbacks
        self.connectionLimits = connectionLimits
    }

    /// Reads the credentials (refusing a file others may change, or one the service cannot use)
    /// and assembles the service's configuration.
    public func configuration() throws(CredentialsFileError) -> ClaimServiceConfiguration {
        let store = try CredentialStore(path: credentialsPath)
        return configuration(authenticator: CredentialStoreAuthenticator(store: store))
    }

    /// The service's configuration with keys from elsewhere: a fleet's database.
    public func configuration(authenticator: any RequestAuthenticator) -> ClaimServiceConfiguration {
        ClaimServiceConfiguration(
            stateDirectory: stateDirectory, host: listen.host, port: listen.port,
            authenticator: authenticator,
            allowUnsigned: allowUnsigned,
            claimExpiry: claimExpiry,
            eventRetention: eventRetention,
            rooms: rooms,
            allowPrivateCallbacks: allowPrivateCallbacks,
            connectionLimits: connectionLimits)
    }
}

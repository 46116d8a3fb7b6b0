import OneClick

/// Everything the service needs to run. Times are µs.
public struct ClaimServiceConfiguration: Sendable {
    /// The directory holding the SQLite file.
    public var stateDirectory: String
    /// A store opened by the caller (a fleet's shared database); nil: the SQLite file in
    /// `stateDirectory`.
    package var store: (any ClaimStore)?
    /// The listen address; port 0 picks a free port (the bound one is returned on start).
    public var host: String
    public var port: Int
    /// Verifies each request's signature and says who sent it.
    public var authenticator: any RequestAuthenticator
    /// Accept unsigned requests (as `unsignedCaller`). Only allowed on a loopback address.
    public var allowUnsigned: Bool
    /// Who an unsigned request acts as, when `allowUnsigned` is set.
    public var unsignedCaller: Caller
    /// How long an InitiateDeviceClaim stays valid: 10 minutes by default.
    public var claimExpiry: Int64
    /// How far before the initiation a press's reportedTime may be: 30 s by default.
    public var reportedTimeTolerance: Int64
    /// How long events are kept: 90 days by default. No event younger than this is deleted.
    public var eventRetention: Int64
    /// Room ARNs RegisterAVSDevice accepts; any other RoomArn is a NotFoundException.
    public var rooms: [String]
    /// RegisterAVSDevice: how many devices one account may register (LimitExceededException).
    public var avsDevicesPerAccount: Int
    /// The largest request body accepted (413 past it).
    public var maxBodyBytes: Int
    /// Retries, timeout and concurrency of click-callback delivery.
    public var callbackPolicy: CallbackPolicy
    /// Replay protection: how long after its first use a state-changing request's signature is
    /// still accepted, 2 s by default. botocore signs no per-call value and X-Amz-Date counts
    /// whole seconds, so the same call made twice (or retried) within one second is signed the
    /// same; it arrives within this grace. Any later repeat is refused.
    public var replayGrace: Int64
    /// Deadlines of each connection and the cap on open connections.
    public var connectionLimits: ConnectionLimits
    /// Allow click callbacks to loopback, private, link-local and other non-public addresses (a
    /// home network). Without it, such a URL is refused when set and when it resolves at delivery.
    public var allowPrivateCallbacks: Bool
    /// Counters and histograms for `serve --metrics-listen`; nil (always in `run`): none are kept.
    package var metrics: ClaimServiceMetrics?
    /// Replaces the delivery-time check of callback hosts (tests: a resolver of their own).
    var callbackTargetCheck: CallbackTargetCheck?
    /// The service's clock (µs since the epoch), injectable for tests of expiry.
    public var now: @Sendable () -> Int64

    public init(
        stateDirectory: String,
        host: String = "127.0.0.1",
        port: Int = 0,
        authenticator: any RequestAuthenticator,
        allowUnsigned: Bool = false,
        unsignedCaller: Caller = Caller(principal: "unsigned", accountId: "000000000000", region: "us-east-1"),
        claimExpiry: Int64 = 600_000_000,
        reportedTimeTolerance: Int64 = 30_000_000,
        eventRetention: Int64 = 90 * 86_400 * 1_000_000,
        rooms: [String] = [],
        avsDevicesPerAccount: Int = 1000,
        maxBodyBytes: Int = 64 * 1024,
        callbackPolicy: CallbackPolicy = CallbackPolicy(),
        replayGrace: Int64 = 2_000_000,
        allowPrivateCallbacks: Bool = false,
        connectionLimits: ConnectionLimits = ConnectionLimits(),
        now: @escaping @Sendable () -> Int64 = { WireTimestamp.now().microseconds }
    ) {
        self.stateDirectory = stateDirectory
        self.store = nil
        self.host = host
        self.port = port
        self.authenticator = authenticator
        self.allowUnsigned = allowUnsigned
        self.unsignedCaller = unsignedCaller
        self.claimExpiry = claimExpiry
        self.reportedTimeTolerance = reportedTimeTolerance
        self.eventRetention = eventRetention
        self.rooms = rooms
        self.avsDevicesPerAccount = avsDevicesPerAccount
        self.maxBodyBytes = maxBodyBytes
        self.callbackPolicy = callbackPolicy
        self.replayGrace = replayGrace
        self.allowPrivateCallbacks = allowPrivateCallbacks
        self.connectionLimits = connectionLimits
        self.callbackTargetCheck = nil
        self.metrics = nil
        self.now = now
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long a connection of the claim service may take, and how many may be open at once.
///
/// A client that opens connections and never finishes a request must not hold a descriptor for
/// ever, nor crowd out a client that sends its request at once. Every connection therefore has a
/// deadline in each phase that waits on the client, and the connections that wait the longest for
/// a request are closed first when the cap is reached (`ConnectionRegistry`).
public struct ConnectionLimits: Sendable, Equatable {
    /// From accept until the request head (request line and headers) is complete.
    public var headerTimeout: Duration
    /// From the end of a response until the next request head is complete (keep-alive). Longer
    /// than the pool idle timeouts of ClickBridge's own clients (30 and 60 s), so that they close
    /// an idle connection first and never send a request into one the service is closing.
    public var idleTimeout: Duration
    /// From the request head until the request body is complete; also how long a connection may
    /// stay unwritable because its client does not read the answer.
    public var bodyTimeout: Duration
    /// The most connections open at once. nil: derived from the process's descriptor limit when
    /// the server starts (`derivedMaxConnections`).
    public var maxConnections: Int?

    public init(headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(75),
                bodyTimeout: Duration = .seconds(30), maxConnections: Int? = nil) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }

    /// `maxConnections`, or the cap derived from the soft RLIMIT_NOFILE.
    public func resolvedMaxConnections() -> Int {
        if let maxConnections { return max(1, maxConnections) }
        return Self.derivedMaxConnections(descriptorLimit: Self.descriptorLimit())
    }

    /// The cap for a soft descriptor limit: the limit less a headroom of an eighth (at least 64)
    /// for everything else the process keeps open (SQLite files, event loops, the listening
    /// socket, callback and webhook connections, a daemon's buttons and actions), so that the
    /// accept that reaches the cap still gets a descriptor.
    public static func derivedMaxConnections(descriptorLimit: Int) -> Int {
        let headroom = max(64, descriptorLimit / 8)
        return max(8, descriptorLimit - headroom)
    }

    /// The soft RLIMIT_NOFILE of this process (1 << 20 when unlimited or unreadable).
    public static func descriptorLimit() -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return 1 << 20 }
        return Int(min(limit.rlim_cur, rlim_t(1 << 20)))
    }
}

/// How the service delivers click callbacks: the same rules as the bridge's outbox. Connection
/// errors, timeouts, 5xx and 429 are retried with jittered exponential backoff; after
/// `maxAttempts` attempts, or at once for any other answer that is not 2xx, the delivery is dead.
public struct CallbackPolicy: Sendable, Equatable {
    /// Attempts per event, the first included: 8 by default (about two minutes of retrying).
    public var maxAttempts: Int
    /// The nominal delay before the first retry, in seconds; it doubles up to `maxDelay`.
    public var firstDelay: Double
    public var maxDelay: Double
    /// One request's limit, connecting included, in seconds.
    public var timeout: Double
    /// How many devices' callbacks are delivered at once; each device's events go one at a time, in order.
    public var concurrency: Int

    public init(maxAttempts: Int = 8, firstDelay: Double = 1, maxDelay: Double = 60, timeout: Double = 10, concurrency: Int = 4) {
        self.maxAttempts = max(1, maxAttempts)
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
    }

    /// The delay before the retry that follows failed attempt number `attempt` (1 for the first):
    /// nominal `firstDelay * 2^(attempt-1)` capped at `maxDelay`, drawn from its upper half so
    /// that a receiver coming back is not hit by every queued device at once.
    public func retryDelay(afterAttempt attempt: Int) -> Double {
        var nominal = firstDelay
        for _ in 1..<max(attempt, 1) where nominal < maxDelay { nominal *= 2 }
        nominal = min(nominal, maxDelay)
        return nominal > 0 ? Double.random(in: (nominal / 2)...nominal) : 0
    }
}

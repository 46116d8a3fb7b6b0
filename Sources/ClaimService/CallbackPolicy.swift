import OneClick

/// How the service delivers click callbacks. Connection errors, timeouts, 5xx and 429 are
/// retried with jittered exponential backoff; after `retry.maxAttempts` attempts, or at once for
/// any other answer that is not 2xx, the delivery is dead.
public struct CallbackPolicy: Sendable, Equatable {
    /// Which answers are retried, how often and after how long.
    public var retry: RetryPolicy
    /// One request's limit, connecting included, in seconds.
    public var timeout: Double
    /// How many devices' callbacks are delivered at once; each device's events go one at a time, in order.
    public var concurrency: Int

    /// - Parameters:
    ///   - maxAttempts: attempts per event, the first included: 8 by default (about two minutes of retrying).
    ///   - firstDelay: the nominal delay before the first retry, in seconds; it doubles up to `maxDelay`,
    ///     and each delay is drawn from its upper half so that a receiver coming back is not hit by
    ///     every queued device at once.
    public init(maxAttempts: Int = 8, firstDelay: Double = 1, maxDelay: Double = 60, timeout: Double = 10, concurrency: Int = 4) {
        retry = RetryPolicy(backoff: Backoff(initial: firstDelay, cap: maxDelay), maxAttempts: maxAttempts,
                            retryableStatuses: [429...429, 500...Int.max])
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
    }
}

/// When a failed call is worth repeating and how long to wait first: which answers are retried,
/// how many attempts are made, and the backoff between them. Each user's rules are one value of
/// this type (`.client` here; the outbox, webhooks and click callbacks keep theirs next to them).
public struct RetryPolicy: Sendable, Equatable {
    public var backoff: Backoff
    /// Attempts in all, the first included; `Int.max` retries until the verdict is not `.retry`.
    public var maxAttempts: Int
    /// The non-2xx statuses worth another attempt; every other non-2xx status is final.
    public var retryableStatuses: [ClosedRange<Int>]

    public init(backoff: Backoff, maxAttempts: Int = .max, retryableStatuses: [ClosedRange<Int>]) {
        self.backoff = backoff
        self.maxAttempts = max(1, maxAttempts)
        self.retryableStatuses = retryableStatuses
    }

    /// The verdict on an HTTP answer.
    public func verdict(status: Int) -> RetryVerdict {
        if (200...299).contains(status) { return .success }
        return retryableStatuses.contains { $0.contains(status) } ? .retry : .giveUp
    }

    /// The verdict on a failure without an answer (refused, reset, timed out, name not resolved):
    /// always worth another attempt, since the receiver never saw the request or its answer was lost.
    public var connectionFailureVerdict: RetryVerdict { .retry }

    /// Whether another attempt may follow attempt number `attempt` (1 for the first).
    public func allowsAttempt(after attempt: Int) -> Bool { attempt < maxAttempts }

    /// The delay in seconds before the attempt that follows failed attempt number `attempt`.
    public func delay<R: RandomNumberGenerator>(afterAttempt attempt: Int, using rng: inout R) -> Double {
        backoff.delay(attempt: attempt, using: &rng)
    }

    public func delay(afterAttempt attempt: Int) -> Double {
        backoff.delay(attempt: attempt)
    }

    public func with(backoff: Backoff) -> RetryPolicy {
        RetryPolicy(backoff: backoff, maxAttempts: maxAttempts, retryableStatuses: retryableStatuses)
    }

    public func with(maxAttempts: Int) -> RetryPolicy {
        RetryPolicy(backoff: backoff, maxAttempts: maxAttempts, retryableStatuses: retryableStatuses)
    }

    /// `OneClickClient`'s: connection errors and 5xx, up to 5 attempts, with full jitter from
    /// 0.1 s doubling to 5 s (botocore's legacy mode). 429 and 403 are final.
    public static let client = RetryPolicy(backoff: Backoff(initial: 0.1, cap: 5, jitter: .full), maxAttempts: 5,
                                           retryableStatuses: [500...599])
    /// `.client` with one attempt: for callers that retry with their own policy.
    public static let none = client.with(maxAttempts: 1)
}

import OneClick

extension RetryPolicy {
    /// Webhooks' rules: connection errors, timeouts, 429 and 5xx are retried, 0.5 s doubling to
    /// 30 s from the upper half; any other answer is final. Each hook's `retries` sets the attempts.
    public static let webhooks = RetryPolicy(backoff: Backoff(initial: 0.5, cap: 30),
                                             retryableStatuses: [429...429, 500...Int.max])
}

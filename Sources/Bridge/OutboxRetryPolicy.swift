import OneClick

extension RetryPolicy {
    /// The publisher's and the registrar's rules (ARCHITECTURE.md, "Outbox and delivery"): no
    /// attempt limit, 0.5 s doubling to 60 s from the upper half. Connection errors, 5xx, 429 and
    /// 403 (a clock or key problem that may be fixed) are retried, and so is anything that is not
    /// an error status at all (something odd in between: never drop); any other 4xx is final.
    public static let outbox = RetryPolicy(backoff: Backoff(initial: 0.5, cap: 60),
                                           retryableStatuses: [Int.min...399, 403...403, 429...429, 500...Int.max])

    /// The verdict on a failed delivery: `.retry` keeps the event, `.giveUp` dead-letters it.
    public func verdict(for failure: DeliveryError) -> RetryVerdict {
        switch failure {
        case .connection:
            return connectionFailureVerdict
        case .rejected(let status, _, _):
            // A refusal that carries a success status is something odd in between: never drop it.
            let verdict = verdict(status: status)
            return verdict == .success ? .retry : verdict
        }
    }
}

/// What one attempt's outcome means for the next: every retrying part of ClickBridge (publisher,
/// registrar, click callbacks, webhooks, the client) reads its answers through a `RetryPolicy` into this.
public enum RetryVerdict: Sendable, Equatable {
    /// Done: the receiver accepted it.
    case success
    /// Worth another attempt after the backoff, if the policy allows one.
    case retry
    /// Repeating the same request cannot change the answer.
    case giveUp
}

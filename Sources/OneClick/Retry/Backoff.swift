import Foundation

/// Jittered exponential backoff: the nominal delay before retry `n` is `initial * 2^(n-1)` seconds,
/// capped at `cap`, and the actual delay is drawn at random below it, so clients that lost the
/// same endpoint do not retry in lockstep.
public struct Backoff: Sendable, Equatable {
    public enum Jitter: Sendable, Equatable {
        /// Uniform in `[nominal/2, nominal]`: a retry never comes sooner than half the nominal delay.
        case upperHalf
        /// Uniform in `[0, nominal]` ("full jitter", as botocore's legacy retry mode).
        case full
    }

    /// Seconds before the first retry, nominally.
    public var initial: Double
    /// The nominal delay stops doubling here, in seconds.
    public var cap: Double
    public var jitter: Jitter

    public init(initial: Double, cap: Double, jitter: Jitter = .upperHalf) {
        self.initial = initial
        self.cap = cap
        self.jitter = jitter
    }

    /// The nominal delay before retry number `attempt` (1 for the first retry).
    public func nominal(attempt: Int) -> Double {
        // Past 2^62 every useful cap has long been reached.
        let exponent = min(max(attempt - 1, 0), 62)
        return min(cap, initial * Double(sign: .plus, exponent: exponent, significand: 1))
    }

    /// The jittered delay in seconds before retry number `attempt`, drawn from `rng`.
    public func delay<R: RandomNumberGenerator>(attempt: Int, using rng: inout R) -> Double {
        let n = nominal(attempt: attempt)
        guard n > 0 else { return 0 }
        switch jitter {
        case .upperHalf: return Double.random(in: (n / 2)...n, using: &rng)
        case .full: return Double.random(in: 0...n, using: &rng)
        }
    }

    public func delay(attempt: Int) -> Double {
        var rng = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &rng)
    }
}

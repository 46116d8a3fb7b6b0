/// Jittered exponential backoff for retrying deliveries: 0.5 s doubling to a 60 s cap, each
/// delay drawn uniformly from its upper half, so bridges that lost the same endpoint do not
/// retry in lockstep, and a retry never comes sooner than half the nominal delay.
public struct Backoff: Sendable, Equatable {
    public var initial: Double
    public var cap: Double

    public init(initial: Double = 0.5, cap: Double = 60) {
        self.initial = initial
        self.cap = cap
    }

    /// The nominal delay before retry number `attempt` (1 for the first retry).
    public func nominal(attempt: Int) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        return min(cap, initial * pow2(exponent))
    }

    /// The jittered delay in seconds, in `[nominal/2, nominal]`.
    public func delay<R: RandomNumberGenerator>(attempt: Int, using rng: inout R) -> Double {
        let n = nominal(attempt: attempt)
        return Double.random(in: (n / 2)...n, using: &rng)
    }

    public func delay(attempt: Int) -> Double {
        var rng = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &rng)
    }

    private func pow2(_ e: Double) -> Double {
        var r = 1.0
        for _ in 0..<Int(e) { r *= 2; if r > 1e12 { break } }
        return r
    }
}

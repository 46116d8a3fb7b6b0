import Presses

/// The draws the property tests make; every case reproduces from its seed.
extension SplitMix64 {
    /// A uniformly random integer in `range`.
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
}

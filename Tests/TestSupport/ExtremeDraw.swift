/// A random source that always draws the same extreme, so a jittered delay comes out at the
/// bottom or the top of its range: retry timings are tested without sleeping or chance.
public struct ExtremeDraw: RandomNumberGenerator, Sendable {
    /// The bottom of the range. Not 0: the standard library's bounded draw rejects 0 and asks again, forever.
    public static let lowest = ExtremeDraw(value: 1)
    public static let highest = ExtremeDraw(value: .max)

    private let value: UInt64

    public mutating func next() -> UInt64 { value }
}

/// The delay drawn with `draw` for each of `attempts`.
public func delays(_ attempts: ClosedRange<Int>, _ draw: ExtremeDraw, _ delay: (Int, inout ExtremeDraw) -> Double) -> [Double] {
    attempts.map { attempt in
        var rng = draw
        return delay(attempt, &rng)
    }
}

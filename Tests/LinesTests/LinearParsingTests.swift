import Lines
import Testing

/// Reading grows linearly with the number of buttons: 4 times the buttons may take about 4 times
/// as long, never 16 (200,000 `button` lines used to take over a minute). A ratio, not a time:
/// the best of three runs of each size, so a busy machine does not decide the outcome.
@Suite struct LinearParsingTests {
    static func nativeTrace(buttons: Int) -> String {
        var text = "clickbridge-trace 1\n"
        for b in 0..<buttons { text += "button b\(b)\n" }
        for b in 0..<buttons { text += "1.\(String(b + 100_000_000)) b\(b) 1\n" }
        return text
    }

    static func gpiomonTrace(lines: Int) -> String {
        var text = ""
        for l in 0..<lines { text += "1.\(String(l + 100_000_000))\trising\tgpiochip0 \(l)\n" }
        return text
    }

    static func fastest(_ body: () throws -> Void) rethrows -> Duration {
        var best = Duration.seconds(1_000)
        for _ in 0..<3 {
            let start = ContinuousClock.now
            try body()
            best = min(best, ContinuousClock.now - start)
        }
        return best
    }

    static func ratio(_ small: Duration, _ large: Duration) -> Double { large / small }

    @Test func nativeButtonDeclarations() throws {
        let small = Self.nativeTrace(buttons: 10_000), large = Self.nativeTrace(buttons: 40_000)
        #expect(try TraceReader.read(text: large).buttons.count == 40_000)
        let t1 = try Self.fastest { _ = try TraceReader.read(text: small) }
        let t4 = try Self.fastest { _ = try TraceReader.read(text: large) }
        #expect(Self.ratio(t1, t4) < 8, "10,000 buttons: \(t1), 40,000: \(t4)")
    }

    @Test func gpiomonLineIds() throws {
        let small = Self.gpiomonTrace(lines: 10_000), large = Self.gpiomonTrace(lines: 40_000)
        #expect(try TraceReader.read(text: large).buttons.count == 40_000)
        let t1 = try Self.fastest { _ = try TraceReader.read(text: small) }
        let t4 = try Self.fastest { _ = try TraceReader.read(text: large) }
        #expect(Self.ratio(t1, t4) < 8, "10,000 lines: \(t1), 40,000: \(t4)")
    }
}

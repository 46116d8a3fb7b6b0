import Glibc
import Lines
import Testing

/// Reading grows linearly with the number of buttons: 8 times the buttons take about 8 times as
/// long, never 64 (200,000 `button` lines used to take over a minute). A ratio, not a time, of
/// this thread's CPU time (what other processes do does not count), the best of three runs of
/// each size; 24 leaves room for noise and is still far below what quadratic reading gives.
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
            let start = threadCPUTime()
            try body()
            best = min(best, threadCPUTime() - start)
        }
        return best
    }

    /// CPU time of the calling thread.
    static func threadCPUTime() -> Duration {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return .seconds(t.tv_sec) + .nanoseconds(t.tv_nsec)
    }

    static func ratio(_ small: Duration, _ large: Duration) -> Double { large / small }

    @Test func nativeButtonDeclarations() throws {
        let small = Self.nativeTrace(buttons: 10_000), large = Self.nativeTrace(buttons: 80_000)
        #expect(try TraceReader.read(text: large).buttons.count == 80_000)
        let t1 = try Self.fastest { _ = try TraceReader.read(text: small) }
        let t4 = try Self.fastest { _ = try TraceReader.read(text: large) }
        #expect(Self.ratio(t1, t4) < 24, "10,000 buttons: \(t1), 80,000: \(t4)")
    }

    @Test func gpiomonLineIds() throws {
        let small = Self.gpiomonTrace(lines: 10_000), large = Self.gpiomonTrace(lines: 80_000)
        #expect(try TraceReader.read(text: large).buttons.count == 80_000)
        let t1 = try Self.fastest { _ = try TraceReader.read(text: small) }
        let t4 = try Self.fastest { _ = try TraceReader.read(text: large) }
        #expect(Self.ratio(t1, t4) < 24, "10,000 lines: \(t1), 80,000: \(t4)")
    }
}

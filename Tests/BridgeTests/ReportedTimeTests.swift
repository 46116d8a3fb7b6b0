import Presses
import Testing
@testable import Bridge

@Suite struct ReportedTimeTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(ReportedTime.iso8601(unixNanoseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(ReportedTime.iso8601(unixNanoseconds: 1_795_307_465_123_999_999) == "2026-11-22T00:31:05.123Z")
        #expect(ReportedTime.iso8601(unixNanoseconds: 951_782_400_000_000_000) == "2000-02-29T00:00:00.000Z")
        #expect(ReportedTime.iso8601(unixNanoseconds: -1_000_000) == "1969-12-31T23:59:59.999Z")
    }

    /// The event carries the instant of the decision, however long it waited before being stamped.
    @Test func subtractsTheTimeSinceTheDecision() {
        let real: Int64 = 1_795_307_465_000_000_000  // 2026-11-22T00:31:05.000Z
        let stamped = ReportedTime.derive(decidedAt: .milliseconds(10_000), monotonicNow: .milliseconds(12_500), realtimeNow: real)
        #expect(stamped == "2026-11-22T00:31:02.500Z")
        // A decision "in the future" of the monotonic reading (never expected) is not pushed forward.
        #expect(ReportedTime.derive(decidedAt: .milliseconds(13_000), monotonicNow: .milliseconds(12_500), realtimeNow: real)
                == "2026-11-22T00:31:05.000Z")
    }

    @Test func liveDerivationIsNearNow() {
        let now = Clocks.monotonicNow()
        let a = ReportedTime.derive(decidedAt: now)
        let b = ReportedTime.iso8601(unixNanoseconds: Clocks.realtimeNow())
        #expect(a.count == 24 && a.hasSuffix("Z"))
        #expect(a <= b)
    }
}

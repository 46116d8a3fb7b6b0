import Lines
import OneClick
import Presses
import Testing
@testable import Bridge

@Suite struct ReportedTimeTests {
    /// The event carries the instant of the decision, however long it waited before being stamped.
    @Test func subtractsTheTimeSinceTheDecision() {
        let real = WireTimestamp(microseconds: 1_795_307_465_000_000)  // 2026-11-22T00:31:05.000Z
        let stamped = ReportedTime.derive(decidedAt: .milliseconds(10_000), monotonicNow: .milliseconds(12_500), realtimeNow: real)
        #expect(stamped == "2026-11-22T00:31:02.500Z")
        // A decision "in the future" of the monotonic reading (never expected) is not pushed forward.
        #expect(ReportedTime.derive(decidedAt: .milliseconds(13_000), monotonicNow: .milliseconds(12_500), realtimeNow: real)
                == "2026-11-22T00:31:05.000Z")
    }

    /// An age of one nanosecond takes a reading on a millisecond boundary into the millisecond before.
    @Test func floorsToTheMillisecond() {
        let real = WireTimestamp(microseconds: 1_795_307_465_124_000)
        #expect(ReportedTime.derive(decidedAt: Timestamp(nanoseconds: 999), monotonicNow: Timestamp(nanoseconds: 1000), realtimeNow: real)
                == "2026-11-22T00:31:05.123Z")
    }

    @Test func liveDerivationIsNearNow() {
        let now = MonotonicClock.now()
        let a = ReportedTime.derive(decidedAt: now)
        let b = WireTimestamp.now().formatted
        #expect(a.count == 24 && a.hasSuffix("Z"))
        #expect(a <= b)
    }
}

import Foundation
import OneClick
import Testing

@Suite struct WireTimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(WireTimestamp(microseconds: 0).formatted == "1970-01-01T00:00:00.000Z")
        #expect(WireTimestamp(microseconds: 1_795_307_465_123_999).formatted == "2026-11-22T00:31:05.123Z")
        #expect(WireTimestamp(microseconds: 951_782_400_000_000).formatted == "2000-02-29T00:00:00.000Z")
        #expect(WireTimestamp(microseconds: -1_000).formatted == "1969-12-31T23:59:59.999Z")
    }

    /// `now()` reads the wall clock (not the monotonic one, which counts from boot).
    @Test func nowIsTheWallClock() {
        let before = Date().timeIntervalSince1970
        let now = WireTimestamp.now().secondsSinceEpoch
        let after = Date().timeIntervalSince1970
        #expect(now >= before - 0.001 && now <= after + 0.001)
    }
}

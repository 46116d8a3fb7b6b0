import Testing
import Presses

/// Worked timelines of the gestures beyond the 1-Click three (ARCHITECTURE.md, "Gestures"), each
/// with exact decision times. Timing otherwise default: debounce 20 ms, long 1.5 s, window 400 ms.
@Suite struct GestureTimelineTests {
    static let three = PressTiming(maxPresses: 3)
    static let five = PressTiming(maxPresses: 5)
    static let one = PressTiming(maxPresses: 1)
    static let release = PressTiming(longRelease: true)
    static let repeating = PressTiming(repeat: .milliseconds(500))

    // MARK: maxPresses 3

    @Test func withThreeADoubleWaitsForTheWindowAfterItsSecondRelease() {
        // The example of the design: DOUBLE when the window after the second release closes.
        check("d0 u100 d300 u380", timing: Self.three, [gesture(.double, 0, 780)])
    }

    @Test func withThreeAThirdPressIsTripleWhenItsReleaseIsConfirmed() {
        check("d0 u100 d300 u380 d600 u680", timing: Self.three, [gesture(.triple, 0, 700)])
        // Its release bouncing until 686: confirmed at 706.
        check("d0 u100 d300 u380 d600 u680 d683 u686", timing: Self.three, [gesture(.triple, 0, 706)])
    }

    @Test func withThreeASingleIsUnchanged() {
        check("d0 u120", timing: Self.three, [gesture(.single, 0, 520)])
        check("d0 u2200", timing: Self.three, [gesture(.long, 0, 1500)])
    }

    @Test func withThreeALaterPressReachingLongEndsTheSequence() {
        // The second press reaches `long` at 1800: DOUBLE, and its release emits nothing.
        check("d0 u100 d300 u2000", timing: Self.three, [gesture(.double, 0, 1800)])
        // The third at 2100: TRIPLE.
        check("d0 u100 d300 u380 d600 u2500", timing: Self.three, [gesture(.triple, 0, 2100)])
        // It does not wait for a pending release (edge 2090, confirmed 2110).
        check("d0 u100 d300 u380 d600 u2090", timing: Self.three, [gesture(.triple, 0, 2100)])
    }

    @Test func withThreeASecondPressReachingLongWaitsForAPendingRelease() {
        // At 1800 the second press's release (edge 1790) is pending. Unlike the last possible
        // press, the count depends on it: confirmed at 1810, the press was short, and the window
        // after it closes at 2190 with no third press.
        check("d0 u100 d300 u1790", timing: Self.three, [gesture(.double, 0, 2190)])
        // ...or a third press comes within it.
        check("d0 u100 d300 u1790 d2000 u2100", timing: Self.three, [gesture(.triple, 0, 2120)])
        // It bounces back (resolved at 1815): the second press was held past `long`, DOUBLE then.
        check("d0 u100 d300 u1790 d1795 u3000", timing: Self.three, [gesture(.double, 0, 1815)])
        // With the defaults the second press is the last possible one and does not wait.
        check("d0 u100 d300 u1790", [press(.double, 0, 1800)])
    }

    @Test func withThreeAFourthClickStartsANewSequence() {
        check("d0 u80 d200 u280 d400 u480 d600 u680", timing: Self.three,
              [gesture(.triple, 0, 500), gesture(.single, 600, 1080)])
    }

    @Test func withThreeAPressExactlyAtTheWindowsEndIsOutside() {
        check("d0 u100 d300 u380 d780 u850", timing: Self.three, [gesture(.double, 0, 780), gesture(.single, 780, 1250)])
        check("d0 u100 d300 u380 d779.999999 u850", timing: Self.three, [gesture(.triple, 0, 870)])
    }

    @Test func withThreeTheWindowAfterASecondPressWaitsForAPendingPress() {
        // At 780 a press (edge 770) is pending: a 2 ms glitch, resolved at 792: DOUBLE then.
        check("d0 u100 d300 u380 d770 u772", timing: Self.three, [gesture(.double, 0, 792)])
        // The same press confirmed: it is the third.
        check("d0 u100 d300 u380 d770 u850", timing: Self.three, [gesture(.triple, 0, 870)])
    }

    // MARK: maxPresses 5

    @Test func withFiveEachCountHasItsGesture() {
        let clicks = "d0 u50 d150 u200 d300 u350 d450 u500 d600 u650"
        check(clicks, timing: Self.five, [gesture(.quintuple, 0, 670)])
        check("d0 u50 d150 u200 d300 u350 d450 u500", timing: Self.five, [gesture(.quadruple, 0, 900)])
        check("d0 u50 d150 u200 d300 u350", timing: Self.five, [gesture(.triple, 0, 750)])
        check("d0 u50 d150 u200", timing: Self.five, [gesture(.double, 0, 600)])
        check("d0 u50", timing: Self.five, [gesture(.single, 0, 450)])
        // A sixth click starts a new sequence.
        check(clicks + " d750 u800", timing: Self.five, [gesture(.quintuple, 0, 670), gesture(.single, 750, 1200)])
    }

    @Test func withFiveAFourthPressReachingLongIsQuadruple() {
        check("d0 u50 d150 u200 d300 u350 d450 u3000", timing: Self.five, [gesture(.quadruple, 0, 1950)])
    }

    // MARK: maxPresses 1

    @Test func withOneSingleComesWhenTheReleaseIsConfirmed() {
        check("d0 u120", timing: Self.one, [gesture(.single, 0, 140)])
        check("d0 u120 d121 u124", timing: Self.one, [gesture(.single, 0, 144)])
        // No second click: two quick clicks are two SINGLEs.
        check("d0 u100 d200 u300", timing: Self.one, [gesture(.single, 0, 120), gesture(.single, 200, 320)])
        check("d0 u2000", timing: Self.one, [gesture(.long, 0, 1500)])
        // A release pending at `long` (edge 1490, confirmed 1510): short.
        check("d0 u1490", timing: Self.one, [gesture(.single, 0, 1510)])
    }

    // MARK: longRelease

    @Test func longReleaseComesWhenTheReleaseAfterALongIsConfirmed() {
        check("d0 u2200", timing: Self.release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2220)])
        // Timed from the release's first edge, decided when its bounce settles.
        check("d0 u2200 d2203 u2205", timing: Self.release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2225)])
        // A glitch while held is no release.
        check("d0 u1800 d1802 u2500", timing: Self.release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2500)), 0, 2520)])
        // A release exactly at `long`: the press lasted `long`, so LONG, then its release.
        check("d0 u1500", timing: Self.release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 1500)), 0, 1520)])
    }

    @Test func longReleaseFollowsOnlyALong() {
        check("d0 u120", timing: Self.release, [gesture(.single, 0, 520)])
        // A second press reaching `long` is a DOUBLE, not a LONG.
        check("d0 u100 d300 u3000", timing: Self.release, [gesture(.double, 0, 1800)])
        // Held at start: no LONG, so no release gesture.
        check("u3000", timing: Self.release, initiallyPressed: true, [])
    }

    @Test func longReleaseAtShutdown() {
        // Still held: not released, so nothing after the LONG.
        check("d0", timing: Self.release, finishAt: 2000, [gesture(.long, 0, 1500)])
        // A pending release resolves as the line stands: released.
        check("d0 u1990", timing: Self.release, finishAt: 2000,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 1990)), 0, 2000)])
        // A first press forced LONG at shutdown, still held: nothing more.
        check("d0", timing: Self.release, finishAt: 800, [gesture(.long, 0, 800)])
    }

    // MARK: repeat

    @Test func repeatsComeEveryRepeatAfterTheLongWhileHeld() {
        check("d0 u3200", timing: Self.repeating, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRepeat(count: 2), 0, 2500),
            gesture(.longRepeat(count: 3), 0, 3000),
        ])
        // Still held: they go on.
        check("d0", timing: Self.repeating, until: 4000, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRepeat(count: 2), 0, 2500),
            gesture(.longRepeat(count: 3), 0, 3000),
            gesture(.longRepeat(count: 4), 0, 3500),
            gesture(.longRepeat(count: 5), 0, 4000),
        ])
    }

    @Test func aReleaseEdgeAtARepeatsInstantComesAfterIt() {
        check("d0 u2500", timing: Self.repeating,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2500)])
    }

    @Test func aPendingReleaseDefersARepeatAndItsConfirmationCancelsIt() {
        // At 2500 a release (edge 2490) is pending; confirmed at 2510: no repeat 2.
        check("d0 u2490", timing: Self.repeating, [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000)])
        // It bounces back: a glitch, resolved at 2515, when repeat 2 is made; repeat 3 keeps its time.
        check("d0 u2490 d2495 u3100", timing: Self.repeating, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRepeat(count: 2), 0, 2515),
            gesture(.longRepeat(count: 3), 0, 3000),
        ])
    }

    @Test func repeatsThatWaitedAreAllMadeWhenTheBurstResolves() {
        // repeat 10 ms: 1510, 1520, then 1530 and 1540 wait for the glitch (1525–1527, resolved
        // 1547), then 1550 … 1600; the release edge at 1600 comes after that repeat.
        let quick = PressTiming(repeat: .milliseconds(10))
        var expected = [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 1510), gesture(.longRepeat(count: 2), 0, 1520),
                        gesture(.longRepeat(count: 3), 0, 1547), gesture(.longRepeat(count: 4), 0, 1547)]
        for k in 5...10 { expected.append(gesture(.longRepeat(count: k), 0, 1500 + Double(k) * 10)) }
        check("d0 u1525 d1527 u1600", timing: quick, expected)
    }

    @Test func repeatsWithLongRelease() {
        let both = PressTiming(longRelease: true, repeat: .milliseconds(500))
        check("d0 u2200", timing: both, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2220),
        ])
    }

    @Test func repeatsFollowOnlyALong() {
        check("d0 u100 d300 u3000", timing: Self.repeating, [gesture(.double, 0, 1800)])
        check("u3000", timing: Self.repeating, initiallyPressed: true, [])
    }

    @Test func repeatsAtShutdown() {
        // Those due are kept; none comes after the shutdown, and nothing is pending then.
        check("d0", timing: Self.repeating, finishAt: 2700,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2500)])
        // Repeat 2 (2500) waits for a burst still open at the shutdown (2505); the burst stands
        // pressed, a glitch, so repeat 2 is made at once; repeat 3 (3000) is not due.
        check("d0 u2490 d2495", timing: Self.repeating, finishAt: 2505,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2505)])
    }

    @Test func theRepeatDeadlineIsExact() {
        var detector = PressDetector(button: "b", timing: Self.repeating)
        _ = detector.feed(Edge(time: ms(0), pressed: true))
        #expect(detector.advance(to: ms(1500)) == [gesture(.long, 0, 1500)])
        #expect(detector.nextDeadline == ms(2000))
        #expect(detector.advance(to: ms(2000)) == [gesture(.longRepeat(count: 1), 0, 2000)])
        #expect(detector.nextDeadline == ms(2500))
        _ = detector.feed(Edge(time: ms(2490), pressed: false))
        #expect(detector.nextDeadline == ms(2510))  // the repeat waits for the release
        #expect(detector.advance(to: ms(2510)).isEmpty)
        #expect(detector.nextDeadline == nil)
    }

    // MARK: the defaults

    @Test func theDefaultsAreTheOneClickRules() {
        #expect(PressTiming.default.maxPresses == 2 && !PressTiming.default.longRelease && PressTiming.default.repeat == .zero)
        check("d0 u100 d300 u380", [gesture(.double, 0, 400)])
        check("d0 u2200", [gesture(.long, 0, 1500)])
    }
}

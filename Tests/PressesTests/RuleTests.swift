import PressTimelines
import Testing
import Presses

/// The press rules of ARCHITECTURE.md, one by one, with the boundary cases they imply.
@Suite struct RuleTests {
    // MARK: debounce

    @Test func aChangeIsConfirmedAfterDebounceOfQuietSinceItsLastEdge() {
        // The press's burst ends at 8 and is confirmed at 28, timed at 0; so a release at 27
        // still belongs to the press's burst and the whole thing is one glitch.
        check("d0 u3 d8 u27", [])
        // A release edge exactly `debounce` after the press's last edge comes after the press
        // is confirmed: a real (short) press.
        check("d0 u3 d8 u28", [press(.single, 0, 428)])
    }

    @Test func aChangeThatBouncesBackNeverHappened() {
        check("d0 u19", [])
        check("d0 u5 d10 u15", [])
        // A glitch during a held press does not split it.
        check("d0 u700 d702 u900", [press(.single, 0, 1300)])
    }

    @Test func aRepeatedLevelChangesNothing() {
        // A source may report the same level twice. Outside a burst it is ignored...
        check("u0 d100 u200", [press(.single, 100, 600)])
        check("d0 u100 u150", [press(.single, 0, 500)])
        // ...inside a burst it is activity: the release at 10 extends the press's burst to 30.
        check("d0 d10 u120", [press(.single, 0, 520)])
    }

    // MARK: long

    @Test func longIsStrictlyFromThePressTime() {
        // A release whose time is before 1500 makes a short press; at exactly 1500 the press
        // has lasted `long`: LONG.
        check("d0 u1499.999999", [press(.single, 0, 1899.999999)])
        check("d0 u1500", [press(.long, 0, 1500)])
    }

    @Test func longWaitsForAPendingReleaseThatConfirms() {
        // At 1500 a release (time 1490) is pending; it confirms at 1510: a short press.
        check("d0 u1490", [press(.single, 0, 1890)])
        // Still bouncing at 1500: still short, timed from 1490.
        check("d0 u1490 d1495 u1499 d1502 u1505", [press(.single, 0, 1890)])
    }

    @Test func longWaitsForAPendingReleaseThatBouncesBack() {
        // At 1500 a release is pending; it bounces back, resolving at 1515: LONG decided then.
        check("d0 u1490 d1495", [press(.long, 0, 1515)])
        // The line is momentarily at the pressed level at 1500, mid-burst: still pending.
        check("d0 u1490 d1495 u1501 d1503", [press(.long, 0, 1523)])
    }

    @Test func longIsMeasuredFromTheFirstEdgeOfABouncyPress() {
        check("d0 u2 d4 u5 d7", [press(.long, 0, 1500)])
    }

    // MARK: double window

    @Test func aPressExactlyAtTheEndOfTheWindowStartsANewSequence() {
        // Window ends at 100 + 400 = 500; "before r + window" is strict.
        check("d0 u100 d500 u600", [press(.single, 0, 500), press(.single, 500, 1000)])
        check("d0 u100 d499.999999 u600", [press(.double, 0, 620)])
    }

    @Test func singleWaitsForAPendingPressThatBouncesBack() {
        // At 500 a press edge (490) is pending; it is a 2 ms glitch, resolved at 512: SINGLE then.
        check("d0 u100 d490 u492", [press(.single, 0, 512)])
    }

    @Test func singleWaitsForAPendingPressThatConfirms() {
        check("d0 u100 d490 u560", [press(.double, 0, 580)])
    }

    @Test func secondPressReachingLongIsDoubleWhileHeld() {
        // Second press at 300 reaches long at 1800; its release emits nothing; a later press
        // starts a new sequence.
        check("d0 u100 d300 u3000 d4000 u4100", [press(.double, 0, 1800), press(.single, 4000, 4500)])
    }

    @Test func doubleComesAtWhicheverComesFirst() {
        // Release confirmed at 1790 < 1800: DOUBLE at 1790.
        check("d0 u100 d300 u1770", [press(.double, 0, 1790)])
        // Release pending at 1800 (it would confirm at 1810): the second press reached `long`
        // first, and DOUBLE does not depend on that release, so it is decided at 1800.
        check("d0 u100 d300 u1790", [press(.double, 0, 1800)])
        // Confirmation and `long` at the same instant: decided then.
        check("d0 u100 d300 u1780", [press(.double, 0, 1800)])
    }

    @Test func aLongFirstPressIsNeverTheFirstClickOfADouble() {
        check("d0 u1600 d1700 u1800", [press(.long, 0, 1500), press(.single, 1700, 2200)])
    }

    @Test func clicksAfterADoubleStartNewSequences() {
        // Quadruple click: two DOUBLEs.
        check("d0 u80 d200 u280 d400 u480 d600 u680", [press(.double, 0, 300), press(.double, 400, 700)])
        // A press right after the second release, inside what would have been a window: new sequence.
        check("d0 u80 d200 u280 d350 u2100", [press(.double, 0, 300), press(.long, 350, 1850)])
    }

    // MARK: timings that undercut debounce

    @Test func aDeadlineBeforeTheConfirmationIsDecidedAtTheConfirmation() {
        // long 10 ms < debounce: the press is known only at 20, so LONG at 20.
        check("d0 u500", timing: PressTiming(long: .milliseconds(10)), [press(.long, 0, 20)])
        // window 10 ms < debounce: SINGLE when the release is confirmed.
        check("d0 u100", timing: PressTiming(doubleWindow: .milliseconds(10)), [press(.single, 0, 120)])
        // debounce 0: every edge is a change, confirmed as it happens.
        check("d0 u100", timing: PressTiming(debounce: .zero), [press(.single, 0, 500)])
    }

    // MARK: initial state

    @Test func aButtonHeldAtStartMakesNoPressUntilReleased() {
        check("u500", initiallyPressed: true, [])
        // Held for 5 s: no LONG; released, then a click.
        check("u5000 d6000 u6100", initiallyPressed: true, [press(.single, 6000, 6500)])
        // Its release bounces; only the confirmed release ends it.
        check("u500 d502 u504 d700 u800", initiallyPressed: true, [press(.single, 700, 1200)])
        // A glitch while held is not a release.
        check("u500 d502 u3000", initiallyPressed: true, [])
    }

    @Test func aHeldButtonReleasedAtStartIsIgnored() {
        // Not declared held, but the first edge is a release: nothing to release, ignored.
        check("u10 d100 u200", [press(.single, 100, 600)])
    }

    // MARK: per-button timing and names

    @Test func timingIsPerButton() {
        let quick = PressTiming(debounce: .milliseconds(5), long: .milliseconds(500), doubleWindow: .milliseconds(200))
        let script = edges("d0 u300 d1000 u1100 d1250 u1300 d2000 u2700")
        let defaults = replay(script, button: "A")
        let custom = replay(script, button: "B", timing: quick)
        #expect(defaults == [
            press(.single, 0, 700, button: "A"),
            press(.double, 1000, 1320, button: "A"),
            press(.single, 2000, 3100, button: "A"),
        ])
        #expect(custom == [
            press(.single, 0, 500, button: "B"),
            press(.double, 1000, 1305, button: "B"),
            press(.long, 2000, 2500, button: "B"),
        ])
    }

    // MARK: bad input

    @Test func anEdgeOlderThanWhatWasProcessedCountsAsNow() {
        var detector = PressDetector(button: "b")
        var presses: [Press] = []
        #expect(detector.feed(Edge(time: ms(0), pressed: true), into: &presses) == Edge(time: ms(0), pressed: true))
        detector.advance(to: ms(100), into: &presses)
        // Out of order: treated, and returned, as a release at 100.
        #expect(detector.feed(Edge(time: ms(50), pressed: false), into: &presses) == Edge(time: ms(100), pressed: false))
        detector.advance(to: farFuture, into: &presses)
        #expect(presses == [press(.single, 0, 500)])
    }

    @Test func hugeAndNegativeTimingsDoNotTrap() {
        let never = PressTiming(debounce: .milliseconds(20), long: Span(nanoseconds: .max), doubleWindow: Span(nanoseconds: .max))
        var detector = PressDetector(button: "b", timing: never)
        var presses: [Press] = []
        detector.feed(Edge(time: ms(0), pressed: true), into: &presses)
        detector.advance(to: ms(1_000_000), into: &presses)
        #expect(detector.nextDeadline == Timestamp(nanoseconds: .max))
        detector.feed(Edge(time: ms(2_000_000), pressed: false), into: &presses)
        detector.advance(to: ms(2_500_000), into: &presses)
        #expect(presses.isEmpty)
        detector.finish(at: ms(3_000_000), into: &presses)
        #expect(presses == [press(.single, 0, 3_000_000)])

        let negative = PressTiming(debounce: .milliseconds(-5), long: .milliseconds(-1), doubleWindow: .milliseconds(-1))
        // Negative counts as zero: every edge confirmed at once, every press LONG at once.
        check("d0 u100", timing: negative, [press(.long, 0, 0)])
    }
}

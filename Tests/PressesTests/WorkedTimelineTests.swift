import PressTimelines
import Testing
import Presses

/// The worked timelines of ARCHITECTURE.md ("Press rules"), and variants, each with exact decision times.
/// Default timing: debounce 20 ms, long 1.5 s, double window 400 ms.
@Suite struct WorkedTimelineTests {
    @Test func singleIsDecidedWhenTheWindowCloses() {
        check("d0 u120", [press(.single, 0, 520)])
    }

    @Test func singleWithBouncyEdgesIsTimedFromTheFirstEdges() {
        // Bursts of edges within 6 ms, as real switches measure; the window runs from the first
        // release edge, so the decision is still at 520.
        check("d0 u1 d2.5 u4 d6 u120 d121 u123 d125.5 u126", [press(.single, 0, 520)])
    }

    @Test func doubleIsDecidedWhenTheSecondReleaseIsConfirmed() {
        check("d0 u100 d300 u380", [press(.double, 0, 400)])
    }

    @Test func doubleWaitsForTheSecondReleaseBounceToSettle() {
        // 380 + bounce (5 ms) + 20 = 405.
        check("d0 u100 d300 u380 d382 u385", [press(.double, 0, 405)])
    }

    @Test func longIsDecidedWhileHeldAndItsReleaseEmitsNothing() {
        check("d0 u2200", [press(.long, 0, 1500)])
    }

    @Test func secondPressTimedByItsFirstEdgeWhileItBounces() {
        // The second press's bounce settles at 415; its time is 395, inside the window (ends 500).
        check("d0 u100 d395 u400 d405 u410 d415 u480", [press(.double, 0, 500)])
    }

    @Test func secondPressPendingWhenTheWindowClosesCountsByItsFirstEdge() {
        // The same row with a 300 ms window, so the window closes (at 400) while the second
        // press is still bouncing: its time, 395, is inside, so the SINGLE decision waits and
        // the press becomes the second click.
        let timing = PressTiming(doubleWindow: .milliseconds(300))
        check("d0 u100 d395 u400 d405 u410 d415 u480", timing: timing, [press(.double, 0, 500)])
    }

    @Test func aThirdClickStartsANewSequence() {
        check("d0 u100 d300 u380 d600 u680", [press(.double, 0, 400), press(.single, 600, 1080)])
    }

    @Test func aTwoMillisecondGlitchIsNotAChange() {
        // Held: timed from 0, LONG at 1500.
        check("d0 u50 d52", [press(.long, 0, 1500)])
        // Released later: still timed from 0; the window runs from the real release.
        check("d0 u50 d52 u120", [press(.single, 0, 520)])
    }

    @Test func windowZeroDecidesSingleWhenTheReleaseIsConfirmed() {
        let timing = PressTiming(doubleWindow: .zero)
        check("d0 u120", timing: timing, [press(.single, 0, 140)])
        // No DOUBLE with window 0: two quick clicks are two SINGLEs.
        check("d0 u100 d200 u300", timing: timing, [press(.single, 0, 120), press(.single, 200, 320)])
        // A bouncy release: confirmed 20 ms after its last edge.
        check("d0 u120 d121 u124", timing: timing, [press(.single, 0, 144)])
    }
}

import PressTimelines
import Testing
import Presses

/// Shutdown: a pending decision is made at once, as if its deadline had come.
@Suite struct FinishTests {
    @Test func aClosingWindowIsDecidedAtOnce() {
        check("d0 u120", finishAt: 300, [press(.single, 0, 300)])
    }

    @Test func aHeldFirstPressIsLongAtOnce() {
        check("d0", finishAt: 800, [press(.long, 0, 800)])
    }

    @Test func aHeldSecondPressIsDoubleAtOnce() {
        check("d0 u100 d300", finishAt: 350, [press(.double, 0, 350)])
    }

    @Test func aPendingBurstIsResolvedAsTheLineStandsThenDecided() {
        // The release burst is confirmed (timed 120) and its window closed at once.
        check("d0 u120 d121 u123", finishAt: 125, [press(.single, 0, 125)])
        // The burst stands at the old level: a glitch, and the held press is LONG at once.
        check("d0 u120 d121", finishAt: 125, [press(.long, 0, 125)])
        // A press still bouncing from idle is confirmed and, held, is LONG at once.
        check("d0 u1 d2", finishAt: 5, [press(.long, 0, 5)])
        // A glitch from idle is nothing.
        check("d0 u1", finishAt: 5, [])
        // The second press's release pending: DOUBLE at once.
        check("d0 u100 d300 u380", finishAt: 390, [press(.double, 0, 390)])
    }

    @Test func dueDecisionsKeepTheirOwnInstants() {
        // SINGLE was due at 520, before the shutdown at 1300; the second click is decided at once.
        check("d0 u120 d1000 u1100", finishAt: 1300, [press(.single, 0, 520), press(.single, 1000, 1300)])
    }

    @Test func nothingPendingEmitsNothing() {
        check("", finishAt: 100, [])
        check("d0 u120", finishAt: 1000, [press(.single, 0, 520)])
        check("d0 u2000", finishAt: 2500, [press(.long, 0, 1500)])
        check("", initiallyPressed: true, finishAt: 100, [])
        // Held at start and still held: no press.
        check("u50 d52", initiallyPressed: true, finishAt: 100, [])
    }

    @Test func finishIsIdempotentAndTheDetectorStaysUsable() {
        var detector = PressDetector(button: "b")
        var presses: [Press] = []
        detector.feed(Edge(time: ms(0), pressed: true), into: &presses)
        detector.finish(at: ms(100), into: &presses)
        #expect(presses == [press(.long, 0, 100)])
        #expect(detector.finish(at: ms(200)).isEmpty)
        #expect(detector.nextDeadline == nil)
        // Still held after the LONG; the release emits nothing, a new click is classified.
        detector.feed(Edge(time: ms(300), pressed: false), into: &presses)
        detector.feed(Edge(time: ms(1000), pressed: true), into: &presses)
        detector.feed(Edge(time: ms(1100), pressed: false), into: &presses)
        #expect(detector.advance(to: farFuture) == [press(.single, 1000, 1500)])
    }

    @Test func finishBeforeTheLastEdgeUsesTheLastEdge() {
        var detector = PressDetector(button: "b")
        var presses: [Press] = []
        detector.feed(Edge(time: ms(0), pressed: true), into: &presses)
        detector.feed(Edge(time: ms(120), pressed: false), into: &presses)
        detector.finish(at: ms(50), into: &presses)
        #expect(presses == [press(.single, 0, 120)])
    }
}

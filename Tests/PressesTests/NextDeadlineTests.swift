import PressTimelines
import Testing
import Presses

/// `nextDeadline` is the exact instant live mode arms its timer for.
@Suite struct NextDeadlineTests {
    @Test func aSingleClickStepByStep() {
        var detector = PressDetector(button: "b")
        #expect(detector.nextDeadline == nil)
        #expect(detector.feed(Edge(time: ms(0), pressed: true)).isEmpty)
        #expect(detector.nextDeadline == ms(20))  // press confirmation
        #expect(detector.advance(to: ms(19.999999)).isEmpty)
        #expect(detector.nextDeadline == ms(20))
        #expect(!detector.isPressed)
        #expect(detector.advance(to: ms(20)).isEmpty)
        #expect(detector.isPressed)
        #expect(detector.nextDeadline == ms(1500))  // LONG
        #expect(detector.feed(Edge(time: ms(120), pressed: false)).isEmpty)
        #expect(detector.nextDeadline == ms(140))  // release confirmation
        #expect(detector.feed(Edge(time: ms(122), pressed: true)).isEmpty)
        #expect(detector.nextDeadline == ms(142))  // a bounce pushes it back
        #expect(detector.feed(Edge(time: ms(125), pressed: false)).isEmpty)
        #expect(detector.nextDeadline == ms(145))
        #expect(detector.advance(to: ms(145)).isEmpty)
        #expect(!detector.isPressed)
        #expect(detector.nextDeadline == ms(520))  // window from the first release edge
        #expect(detector.advance(to: ms(519)).isEmpty)
        #expect(detector.advance(to: ms(520)) == [press(.single, 0, 520)])
        #expect(detector.nextDeadline == nil)
    }

    @Test func aPendingReleaseMovesTheLongDeadlineToItsConfirmation() {
        var detector = PressDetector(button: "b")
        _ = detector.feed(Edge(time: ms(0), pressed: true))
        _ = detector.feed(Edge(time: ms(1490), pressed: false))
        // Not 1500: LONG waits for the release.
        #expect(detector.nextDeadline == ms(1510))
        _ = detector.feed(Edge(time: ms(1495), pressed: true))
        #expect(detector.nextDeadline == ms(1515))
        #expect(detector.advance(to: ms(1515)) == [press(.long, 0, 1515)])
        #expect(detector.nextDeadline == nil)
    }

    @Test func aSecondPressReachesLongBeforeItsPendingRelease() {
        var detector = PressDetector(button: "b")
        for edge in edges("d0 u100 d300 u1790") { _ = detector.feed(edge) }
        #expect(detector.nextDeadline == ms(1800))
        #expect(detector.advance(to: ms(1800)) == [press(.double, 0, 1800)])
        #expect(detector.nextDeadline == ms(1810))  // the release still has to be confirmed
        #expect(detector.advance(to: ms(1810)).isEmpty)
        #expect(detector.nextDeadline == nil)
    }

    @Test func idleAndHeldAtStartHaveNoDeadline() {
        var held = PressDetector(button: "b", initiallyPressed: true)
        #expect(held.nextDeadline == nil)
        #expect(held.isPressed)
        _ = held.feed(Edge(time: ms(10), pressed: false))
        #expect(held.nextDeadline == ms(30))
        _ = held.advance(to: ms(30))
        #expect(held.nextDeadline == nil)
        #expect(!held.isPressed)
    }
}

import PressTimelines
import Presses
import Testing

/// The worked timelines of the gestures (`WorkedTimeline.gestures`, in `Tests/PressTimelines`),
/// each replayed and ticked at the detector's deadlines with exact decision times. LinesTests runs
/// the same rows on the live loop.
@Suite struct GestureTimelineTests {
    @Test(arguments: WorkedTimeline.gestures)
    func replayedAndTicked(_ row: WorkedTimeline) {
        check(row.script, timing: row.timing, initiallyPressed: row.initiallyPressed, finishAt: row.finishAt, until: row.until,
              row.expected, sourceLocation: SourceLocation(fileID: row.fileID, filePath: row.filePath, line: row.line, column: row.column))
    }

    @Test func theRepeatDeadlineIsExact() {
        var detector = PressDetector(button: "b", timing: PressTiming(repeat: .milliseconds(500)))
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

    @Test func theDefaultsAreTheOneClickRules() {
        #expect(PressTiming.default.maxPresses == 2 && !PressTiming.default.longRelease && PressTiming.default.repeat == .zero)
        check("d0 u100 d300 u380", [gesture(.double, 0, 400)])
        check("d0 u2200", [gesture(.long, 0, 1500)])
    }
}

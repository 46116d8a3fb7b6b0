import Presses

private let three = PressTiming(maxPresses: 3)
private let five = PressTiming(maxPresses: 5)
private let one = PressTiming(maxPresses: 1)
private let release = PressTiming(longRelease: true)
private let repeating = PressTiming(repeat: .milliseconds(500))

extension WorkedTimeline {
    /// Worked timelines of the gestures beyond the 1-Click three (ARCHITECTURE.md, "Gestures").
    /// Timing otherwise default: debounce 20 ms, long 1.5 s, window 400 ms.
    public static let gestures: [WorkedTimeline] = maxPressesThree + maxPressesFiveAndOne + longRelease + repeats

    static let maxPressesThree: [WorkedTimeline] = [
        // The example of the design: DOUBLE when the window after the second release closes.
        .init("with 3, a double waits for the window after its second release", "d0 u100 d300 u380", timing: three,
              [gesture(.double, 0, 780)]),
        .init("with 3, a third press is TRIPLE when its release is confirmed", "d0 u100 d300 u380 d600 u680", timing: three,
              [gesture(.triple, 0, 700)]),
        // Its release bouncing until 686: confirmed at 706.
        .init("with 3, a third press's bouncy release", "d0 u100 d300 u380 d600 u680 d683 u686", timing: three,
              [gesture(.triple, 0, 706)]),
        .init("with 3, a single is unchanged", "d0 u120", timing: three, [gesture(.single, 0, 520)]),
        .init("with 3, a long is unchanged", "d0 u2200", timing: three, [gesture(.long, 0, 1500)]),
        // The second press reaches `long` at 1800: DOUBLE, and its release emits nothing.
        .init("with 3, a second press reaching long ends the sequence", "d0 u100 d300 u2000", timing: three,
              [gesture(.double, 0, 1800)]),
        .init("with 3, a third press reaching long is TRIPLE", "d0 u100 d300 u380 d600 u2500", timing: three,
              [gesture(.triple, 0, 2100)]),
        // It does not wait for a pending release (edge 2090, confirmed 2110).
        .init("with 3, the last possible press reaching long does not wait", "d0 u100 d300 u380 d600 u2090", timing: three,
              [gesture(.triple, 0, 2100)]),
        // At 1800 the second press's release (edge 1790) is pending. Unlike the last possible
        // press, the count depends on it: confirmed at 1810, the press was short, and the window
        // after it closes at 2190 with no third press.
        .init("with 3, a second press at long waits for a pending release", "d0 u100 d300 u1790", timing: three,
              [gesture(.double, 0, 2190)]),
        // ...or a third press comes within it.
        .init("with 3, after the pending release a third press", "d0 u100 d300 u1790 d2000 u2100", timing: three,
              [gesture(.triple, 0, 2120)]),
        // It bounces back (resolved at 1815): the second press was held past `long`, DOUBLE then.
        .init("with 3, the pending release bounces back", "d0 u100 d300 u1790 d1795 u3000", timing: three,
              [gesture(.double, 0, 1815)]),
        // With the defaults the second press is the last possible one and does not wait.
        .init("with 2, the second press at long does not wait", "d0 u100 d300 u1790", [press(.double, 0, 1800)]),
        .init("with 3, a fourth click starts a new sequence", "d0 u80 d200 u280 d400 u480 d600 u680", timing: three,
              [gesture(.triple, 0, 500), gesture(.single, 600, 1080)]),
        .init("with 3, a press exactly at the window's end is outside", "d0 u100 d300 u380 d780 u850", timing: three,
              [gesture(.double, 0, 780), gesture(.single, 780, 1250)]),
        .init("with 3, a press just before the window's end is inside", "d0 u100 d300 u380 d779.999999 u850", timing: three,
              [gesture(.triple, 0, 870)]),
        // At 780 a press (edge 770) is pending: a 2 ms glitch, resolved at 792: DOUBLE then.
        .init("with 3, the window waits for a pending press, a glitch", "d0 u100 d300 u380 d770 u772", timing: three,
              [gesture(.double, 0, 792)]),
        // The same press confirmed: it is the third.
        .init("with 3, the window waits for a pending press, a third", "d0 u100 d300 u380 d770 u850", timing: three,
              [gesture(.triple, 0, 870)]),
    ]

    static let maxPressesFiveAndOne: [WorkedTimeline] = [
        .init("with 5, QUINTUPLE", "d0 u50 d150 u200 d300 u350 d450 u500 d600 u650", timing: five, [gesture(.quintuple, 0, 670)]),
        .init("with 5, QUADRUPLE", "d0 u50 d150 u200 d300 u350 d450 u500", timing: five, [gesture(.quadruple, 0, 900)]),
        .init("with 5, TRIPLE", "d0 u50 d150 u200 d300 u350", timing: five, [gesture(.triple, 0, 750)]),
        .init("with 5, DOUBLE", "d0 u50 d150 u200", timing: five, [gesture(.double, 0, 600)]),
        .init("with 5, SINGLE", "d0 u50", timing: five, [gesture(.single, 0, 450)]),
        .init("with 5, a sixth click starts a new sequence", "d0 u50 d150 u200 d300 u350 d450 u500 d600 u650 d750 u800",
              timing: five, [gesture(.quintuple, 0, 670), gesture(.single, 750, 1200)]),
        .init("with 5, a fourth press reaching long is QUADRUPLE", "d0 u50 d150 u200 d300 u350 d450 u3000", timing: five,
              [gesture(.quadruple, 0, 1950)]),
        .init("with 1, SINGLE when the release is confirmed", "d0 u120", timing: one, [gesture(.single, 0, 140)]),
        .init("with 1, a bouncy release", "d0 u120 d121 u124", timing: one, [gesture(.single, 0, 144)]),
        // No second click: two quick clicks are two SINGLEs.
        .init("with 1, two quick clicks", "d0 u100 d200 u300", timing: one, [gesture(.single, 0, 120), gesture(.single, 200, 320)]),
        .init("with 1, LONG", "d0 u2000", timing: one, [gesture(.long, 0, 1500)]),
        // A release pending at `long` (edge 1490, confirmed 1510): short.
        .init("with 1, a release pending at long", "d0 u1490", timing: one, [gesture(.single, 0, 1510)]),
    ]

    static let longRelease: [WorkedTimeline] = [
        .init("LONG_RELEASE when the release after a LONG is confirmed", "d0 u2200", timing: release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2220)]),
        // Timed from the release's first edge, decided when its bounce settles.
        .init("LONG_RELEASE of a bouncy release", "d0 u2200 d2203 u2205", timing: release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2225)]),
        // A glitch while held is no release.
        .init("LONG_RELEASE after a glitch while held", "d0 u1800 d1802 u2500", timing: release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 2500)), 0, 2520)]),
        // A release exactly at `long`: the press lasted `long`, so LONG, then its release.
        .init("LONG_RELEASE of a release exactly at long", "d0 u1500", timing: release,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 1500)), 0, 1520)]),
        .init("no LONG_RELEASE after a SINGLE", "d0 u120", timing: release, [gesture(.single, 0, 520)]),
        // A second press reaching `long` is a DOUBLE, not a LONG.
        .init("no LONG_RELEASE after a DOUBLE held", "d0 u100 d300 u3000", timing: release, [gesture(.double, 0, 1800)]),
        // Held at start: no LONG, so no release gesture.
        .init("no LONG_RELEASE for a button held at start", "u3000", timing: release, initiallyPressed: true, []),
        // Still held: not released, so nothing after the LONG.
        .init("no LONG_RELEASE at shutdown while held", "d0", timing: release, finishAt: 2000, [gesture(.long, 0, 1500)]),
        // A pending release resolves as the line stands: released.
        .init("LONG_RELEASE at shutdown of a pending release", "d0 u1990", timing: release, finishAt: 2000,
              [gesture(.long, 0, 1500), gesture(.longRelease(heldFor: span(ms: 1990)), 0, 2000)]),
        // A first press forced LONG at shutdown, still held: nothing more.
        .init("no LONG_RELEASE after a LONG forced at shutdown", "d0", timing: release, finishAt: 800, [gesture(.long, 0, 800)]),
    ]

    static let repeats: [WorkedTimeline] = [
        .init("LONG_REPEAT every repeat after the LONG while held", "d0 u3200", timing: repeating, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRepeat(count: 2), 0, 2500),
            gesture(.longRepeat(count: 3), 0, 3000),
        ]),
        // Still held: they go on.
        .init("LONG_REPEAT goes on while held", "d0", timing: repeating, until: 4000, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRepeat(count: 2), 0, 2500),
            gesture(.longRepeat(count: 3), 0, 3000),
            gesture(.longRepeat(count: 4), 0, 3500),
            gesture(.longRepeat(count: 5), 0, 4000),
        ]),
        .init("a release edge at a repeat's instant comes after it", "d0 u2500", timing: repeating,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2500)]),
        // At 2500 a release (edge 2490) is pending; confirmed at 2510: no repeat 2.
        .init("a confirmed release cancels a deferred repeat", "d0 u2490", timing: repeating,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000)]),
        // It bounces back: a glitch, resolved at 2515, when repeat 2 is made; repeat 3 keeps its time.
        .init("a glitch defers a repeat", "d0 u2490 d2495 u3100", timing: repeating, [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRepeat(count: 2), 0, 2515),
            gesture(.longRepeat(count: 3), 0, 3000),
        ]),
        // repeat 10 ms: 1510, 1520, then 1530 and 1540 wait for the glitch (1525–1527, resolved
        // 1547), then 1550 … 1600; the release edge at 1600 comes after that repeat.
        .init("repeats that waited are all made when the burst resolves", "d0 u1525 d1527 u1600",
              timing: PressTiming(repeat: .milliseconds(10)),
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 1510), gesture(.longRepeat(count: 2), 0, 1520),
               gesture(.longRepeat(count: 3), 0, 1547), gesture(.longRepeat(count: 4), 0, 1547)]
                + (5...10).map { k in gesture(.longRepeat(count: k), 0, 1500 + Double(k) * 10) }),
        .init("repeats with LONG_RELEASE", "d0 u2200", timing: PressTiming(longRelease: true, repeat: .milliseconds(500)), [
            gesture(.long, 0, 1500),
            gesture(.longRepeat(count: 1), 0, 2000),
            gesture(.longRelease(heldFor: span(ms: 2200)), 0, 2220),
        ]),
        .init("no LONG_REPEAT after a DOUBLE held", "d0 u100 d300 u3000", timing: repeating, [gesture(.double, 0, 1800)]),
        .init("no LONG_REPEAT for a button held at start", "u3000", timing: repeating, initiallyPressed: true, []),
        // Those due are kept; none comes after the shutdown, and nothing is pending then.
        .init("LONG_REPEAT at shutdown", "d0", timing: repeating, finishAt: 2700,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2500)]),
        // Repeat 2 (2500) waits for a burst still open at the shutdown (2505); the burst stands
        // pressed, a glitch, so repeat 2 is made at once; repeat 3 (3000) is not due.
        .init("a deferred LONG_REPEAT at shutdown", "d0 u2490 d2495", timing: repeating, finishAt: 2505,
              [gesture(.long, 0, 1500), gesture(.longRepeat(count: 1), 0, 2000), gesture(.longRepeat(count: 2), 0, 2505)]),
    ]
}

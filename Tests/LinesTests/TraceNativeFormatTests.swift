import Lines
import Presses
import Testing

@Suite struct TraceNativeFormatTests {
    static let sample = """
    # comment
    clickbridge-trace 1
    source gpio gpiochip0 GPIO17   # trailing comment
    polarity active-low
    button GPIO17
    button GPIO27 initial=0
    timing debounce=25ms double-window=300ms
    expect SINGLE GPIO17 pressedAt=1.000000000 decidedAt=1.520000000 tolerance=2ms

    1.000000000 GPIO17 0
    1.120000000 GPIO17 1   # released
    2.5 GPIO27 1
    """

    @Test func readsEveryHeaderItem() throws {
        let t = try TraceReader.read(text: Self.sample)
        #expect(t.format == .native)
        #expect(t.buttons == ["GPIO17", "GPIO27"])
        #expect(t.source == "gpio gpiochip0 GPIO17")
        #expect(t.activeLow)
        #expect(t.initiallyPressed == [false, true])
        #expect(t.timing == PressTiming(debounce: .milliseconds(25), long: .milliseconds(1500), doubleWindow: .milliseconds(300)))
        #expect(t.expectations == [TraceExpectation(clickType: .single, button: "GPIO17", pressedAt: .milliseconds(1000),
                                                    decidedAt: .milliseconds(1520), tolerance: .milliseconds(2), line: 8)])
        #expect(t.edges == [
            SourceEdge(button: 0, edge: Edge(time: .milliseconds(1000), pressed: true)),
            SourceEdge(button: 0, edge: Edge(time: .milliseconds(1120), pressed: false)),
            SourceEdge(button: 1, edge: Edge(time: .milliseconds(2500), pressed: false)),
        ])
    }

    @Test func writeThenReadGivesTheSameTrace() throws {
        let a = SimulatedButton(name: "GPIO17", start: Timestamp(nanoseconds: 8_417_662_315_904), seed: 3)
            .press(for: .milliseconds(104), bounce: 3).wait(.milliseconds(190)).hold(.seconds(2), bounce: 2)
        let b = SimulatedButton(name: "GPIO27", start: Timestamp(nanoseconds: 8_417_700_000_001), seed: 4)
            .tripleClick(bounce: 1).glitch()
        for activeLow in [false, true] {
            var trace = SimulatedButton.trace([a, b])
            trace.activeLow = activeLow
            trace.initiallyPressed = [false, true]
            trace.timing = PressTiming(debounce: .milliseconds(15), long: .seconds(1.2), doubleWindow: .zero)
            trace.expectations = [TraceExpectation(clickType: .long, button: "GPIO27", pressedAt: .milliseconds(5),
                                                   decidedAt: .milliseconds(1205), tolerance: .milliseconds(3), line: 9)]
            let text = NativeTraceWriter.document(trace, comment: "round trip\nsecond line")
            let back = try TraceReader.read(text: text)
            #expect(back.buttons == trace.buttons)
            #expect(back.edges == trace.edges)
            #expect(back.activeLow == activeLow)
            #expect(back.initiallyPressed == [false, true])
            #expect(back.timing == trace.timing)
            #expect(back.source == "simulated")
            #expect(back.expectations.map(\.clickType) == [.long])
            #expect(back.expectations.first?.tolerance == .milliseconds(3))
            #expect(back.expectations.first?.decidedAt == .milliseconds(1205))
            // Writing again gives the same bytes: the format is stable and diffable.
            #expect(NativeTraceWriter.document(back, comment: "round trip\nsecond line") == text)
        }
    }

    @Test func streamingWriterMatchesDocument() throws {
        let trace = SimulatedButton(name: "b").doubleClick(bounce: 2).trace
        let w = NativeTraceWriter(for: trace)
        var text = w.header(for: trace)
        for e in trace.edges { text += w.line(for: e) }
        #expect(text == NativeTraceWriter.document(trace))
        #expect(w.line(for: trace.edges[0]) == "0.000000000 b 1\n")
    }

    @Test func writerMakesNamesValidIDs() throws {
        let w = NativeTraceWriter(buttons: ["my button", "17", "gpiochip0:GPIO17", "line17", "a#b=c"], activeLow: false)
        #expect(w.buttons == ["my_button", "line17", "gpiochip0:GPIO17", "line17_2", "a_b_c"])
        let text = w.header(source: "x") + w.line(for: SourceEdge(button: 3, edge: Edge(time: .milliseconds(1), pressed: true)))
        let t = try TraceReader.read(text: text)
        #expect(t.buttons == w.buttons)
        #expect(t.edges.map(\.button) == [3])
    }

    @Test func importedNamesBecomeValidIDs() throws {
        let gpiomon = "event: FALLING EDGE offset: 17 timestamp: [       1.000000000]\nevent:  RISING EDGE offset: 17 timestamp: [       1.100000000]\n"
        let t = try TraceReader.read(text: gpiomon, options: .init(activeLow: true))
        let native = NativeTraceWriter.document(t)
        #expect(native.contains("button line17\n"))
        #expect(native.contains("1.000000000 line17 0\n"))
        let back = try TraceReader.read(text: native)
        #expect(back.edges == t.edges)
        #expect(TraceReplay.presses(of: back).map(\.clickType) == [.single])
    }

    @Test(arguments: [
        ("1.0 b 1\n", 1, "clickbridge-trace 1"),
        ("clickbridge-trace 2\n", 1, "unsupported native trace version 2"),
        ("clickbridge-trace 1\nbutton b\n1.0 c 1\n", 3, "button 'c' is not declared"),
        ("clickbridge-trace 1\nbutton b\n1.0 b 2\n", 3, "expected the level 0 or 1"),
        ("clickbridge-trace 1\nbutton b\n2.0 b 1\n1.0 b 0\n", 4, "earlier than the previous edge"),
        ("clickbridge-trace 1\nbutton b\n99999999999.0 b 1\n", 3, "too large"),
        ("clickbridge-trace 1\nbutton b\n9223372037.000000000 b 1\n", 3, "too large"),
        ("clickbridge-trace 1\nbutton b\n1.0000000001 b 1\n", 3, "more than 9 decimals"),
        ("clickbridge-trace 1\nbutton b\n1. b 1\n", 3, "decimals after the point"),
        ("clickbridge-trace 1\nbutton b\n1.0 b 1 extra\n", 3, "end of the line"),
        ("clickbridge-trace 1\nbutton b\n1.0 b 1\npolarity active-low\n", 4, "before the first edge"),
        ("clickbridge-trace 1\npolarity sideways\n", 2, "'active-low' or 'active-high'"),
        ("clickbridge-trace 1\nbutton 17\n", 2, "must not start with a digit"),
        ("clickbridge-trace 1\nbutton b\nbutton b\n", 3, "declared twice"),
        ("clickbridge-trace 1\ntiming debounce=20\n", 2, "not a duration"),
        ("clickbridge-trace 1\ntiming bounce=20ms\n", 2, "expected debounce=, long=, double-window=, max-presses=, long-release= or repeat="),
        ("clickbridge-trace 1\nexpect TWICE b pressedAt=1 decidedAt=2\n", 2,
         "expected a gesture (SINGLE, DOUBLE, TRIPLE, QUADRUPLE, QUINTUPLE, LONG, LONG_RELEASE, LONG_REPEAT) or 'none'"),
        ("clickbridge-trace 1\ntiming max-presses=6\n", 2, "max-presses=6: must be a whole number from 1 to 5"),
        ("clickbridge-trace 1\ntiming max-presses=0\n", 2, "max-presses=0: must be a whole number from 1 to 5"),
        ("clickbridge-trace 1\ntiming max-presses=two\n", 2, "max-presses=two: must be a whole number"),
        ("clickbridge-trace 1\ntiming long-release=yes\n", 2, "long-release=yes: must be on or off"),
        ("clickbridge-trace 1\ntiming repeat=5ms\n", 2, "repeat=5ms: must be 0 (off) or at least 10ms"),
        ("clickbridge-trace 1\ntiming repeat=90000s\n", 2, "repeat must be at most 24h"),
        ("clickbridge-trace 1\ntiming repeat=often\n", 2, "for repeat"),
        ("clickbridge-trace 1\nexpect LONG_REPEAT b pressedAt=1 decidedAt=2\n", 2, "LONG_REPEAT needs count=N"),
        ("clickbridge-trace 1\nexpect LONG_REPEAT b pressedAt=1 decidedAt=2 count=0\n", 2, "LONG_REPEAT needs count=N"),
        ("clickbridge-trace 1\nexpect LONG_RELEASE b pressedAt=1 decidedAt=2\n", 2, "LONG_RELEASE needs heldFor=SECONDS"),
        ("clickbridge-trace 1\nexpect LONG_RELEASE b pressedAt=1 decidedAt=2 heldFor=1 count=1\n", 2, "count= belongs to multi-presses"),
        ("clickbridge-trace 1\nexpect TRIPLE b pressedAt=1 decidedAt=2 count=2\n", 2, "TRIPLE has count=3, not 2"),
        ("clickbridge-trace 1\nexpect SINGLE b pressedAt=1 decidedAt=2 count=1\n", 2, "count= does not apply to SINGLE"),
        ("clickbridge-trace 1\nexpect LONG b pressedAt=1 decidedAt=2 heldFor=1\n", 2, "heldFor= belongs to LONG_RELEASE, not LONG"),
        ("clickbridge-trace 1\nexpect DOUBLE b pressedAt=1 decidedAt=2 count=x\n", 2, "expected count"),
        ("clickbridge-trace 1\nexpect SINGLE b pressedAt=1\n", 2, "needs both"),
        ("clickbridge-trace 1\nexpect none\nexpect SINGLE b pressedAt=1 decidedAt=2\n", 3, "'expect none'"),
        ("clickbridge-trace 1\nfrobnicate\n", 2, "expected an edge"),
        ("clickbridge-trace 1\nbutton b\n1.0\tb\t1\n2.0 b\n", 4, "expected the level 0 or 1"),
    ])
    func malformedLinesNameTheLineAndWhatWasExpected(_ text: String, _ line: Int, _ fragment: String) {
        #expect {
            _ = try TraceReader.read(text: text, options: .init(format: .native))
        } throws: { error in
            guard let e = error as? TraceError else { return false }
            return e.line == line && e.message.contains(fragment)
        }
    }

    @Test func gestureSettingsAndExpectationsRoundTrip() throws {
        let text = """
            clickbridge-trace 1
            button b
            timing long=1s max-presses=4 long-release=on repeat=250ms
            expect QUADRUPLE b pressedAt=0 decidedAt=1.5 count=4
            expect TRIPLE b pressedAt=2 decidedAt=2.9
            expect LONG_REPEAT b pressedAt=3 decidedAt=4.25 count=1 tolerance=2ms
            expect LONG_RELEASE b pressedAt=3 decidedAt=4.62 heldFor=1.6
            1.0 b 1

            """
        let t = try TraceReader.read(text: text)
        #expect(t.timing == PressTiming(long: .seconds(1), maxPresses: 4, longRelease: true, repeat: .milliseconds(250)))
        #expect(t.expectations.map(\.gesture) == [.quadruple, .triple, .longRepeat(count: 1), .longRelease(heldFor: .milliseconds(1600))])
        #expect(t.expectations.map(\.line) == [4, 5, 6, 7])
        // Written back: the settings and each gesture's fields as they were given.
        let back = NativeTraceWriter.document(t)
        #expect(back.contains("timing debounce=20ms long=1s double-window=400ms max-presses=4 long-release=on repeat=250ms\n"))
        #expect(back.contains("expect QUADRUPLE b pressedAt=0.000000000 decidedAt=1.500000000\n"))
        #expect(back.contains("expect LONG_REPEAT b pressedAt=3.000000000 decidedAt=4.250000000 count=1 tolerance=2ms\n"))
        #expect(back.contains("expect LONG_RELEASE b pressedAt=3.000000000 decidedAt=4.620000000 heldFor=1.600000000\n"))
        let reread = try TraceReader.read(text: back).expectations
        #expect(reread.map(\.gesture) == t.expectations.map(\.gesture))
        #expect(reread.map(\.decidedAt) == t.expectations.map(\.decidedAt) && reread.map(\.tolerance) == t.expectations.map(\.tolerance))
        // The defaults write no gesture settings: traces recorded before them read the same.
        #expect(NativeTraceWriter(buttons: ["b"], activeLow: false).header(source: nil, timing: .default)
                .contains("timing debounce=20ms long=1.5s double-window=400ms\n"))
    }

    @Test func crlfAndBlankLinesAreFine() throws {
        let t = try TraceReader.read(text: "clickbridge-trace 1\r\n\r\nbutton b\r\n1.5 b 1\r\n   \r\n1.6 b 0")
        #expect(t.edges.count == 2)
        #expect(t.edges[1].edge == Edge(time: .milliseconds(1600), pressed: false))
    }

    @Test func maximumTimestampIsExact() throws {
        let t = try TraceReader.read(text: "clickbridge-trace 1\nbutton b\n4611686018.427387903 b 1\n")
        #expect(t.edges[0].edge.time.nanoseconds == TraceLimits.maxTimestamp)
        #expect(throws: TraceError.self) { try TraceReader.read(text: "clickbridge-trace 1\nbutton b\n4611686018.427387904 b 1\n") }
        // The largest time replays without overflow, even with the longest timing.
        var trace = t
        trace.timing = PressTiming(debounce: TraceLimits.maxDuration, long: TraceLimits.maxDuration, doubleWindow: TraceLimits.maxDuration)
        _ = TraceReplay.presses(of: trace)
    }
}

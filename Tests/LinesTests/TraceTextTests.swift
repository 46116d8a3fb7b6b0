import Lines
import Presses
import Testing

@Suite struct TraceTextTests {
    @Test(arguments: [
        ("20ms", Int64(20_000_000)), ("1.5s", 1_500_000_000), ("400ms", 400_000_000), ("0", 0),
        ("250us", 250_000), ("250µs", 250_000), ("7ns", 7), ("2m", 120_000_000_000), ("0.5ms", 500_000),
        (".5s", 500_000_000), ("1.000000001s", 1_000_000_001),
    ])
    func durationsParseExactly(_ text: String, _ ns: Int64) throws {
        #expect(try Span(parsing: text).nanoseconds == ns)
        #expect(try Span(parsing: Span(nanoseconds: ns).text) == Span(nanoseconds: ns))
    }

    @Test(arguments: ["", "20", "ms", "1.5", "-20ms", "20 ms", "1.5.5s", "20hours", "0.1ns", "99999999999999999999s", "1e3ms"])
    func badDurationsAreRejected(_ text: String) {
        #expect(throws: DurationTextError.self) { try Span(parsing: text) }
    }

    @Test func durationText() {
        #expect(Span.milliseconds(20).text == "20ms")
        #expect(Span.milliseconds(1500).text == "1.5s")
        #expect(Span.zero.text == "0")
        #expect(Span(nanoseconds: 1_234).text == "1.234us")
    }

    @Test func jsonLineHasExactDecimalSeconds() {
        let p = Press(button: "GPIO17", clickType: .double, pressedAt: Timestamp(nanoseconds: 8_417_662_315_904),
                      decidedAt: Timestamp(nanoseconds: 8_418_064_556_256))
        #expect(TracePressText.json(p) == #"{"clickType":"DOUBLE","button":"GPIO17","pressedAt":8417.662315904,"decidedAt":8418.064556256,"gesture":"DOUBLE","count":2}"#)
        // 0.1 + 0.2 style artefacts cannot happen: digits come from integers.
        let q = Press(button: "b", clickType: .single, pressedAt: Timestamp(nanoseconds: 100_000_000), decidedAt: Timestamp(nanoseconds: 300_000_000))
        #expect(TracePressText.json(q).contains(#""pressedAt":0.100000000,"decidedAt":0.300000000"#))
    }

    @Test("gestures beyond the three: no clickType; count for multi-presses and LONG_REPEAT; heldFor in seconds")
    func gestureFields() {
        func json(_ g: Gesture) -> String {
            TracePressText.json(Press(button: "b", gesture: g, pressedAt: .milliseconds(1000), decidedAt: .milliseconds(3220)))
        }
        let times = #""button":"b","pressedAt":1.000000000,"decidedAt":3.220000000"#
        #expect(json(.single) == #"{"clickType":"SINGLE","# + times + #","gesture":"SINGLE"}"#)
        #expect(json(.triple) == "{" + times + #","gesture":"TRIPLE","count":3}"#)
        #expect(json(.quintuple) == "{" + times + #","gesture":"QUINTUPLE","count":5}"#)
        #expect(json(.longRepeat(count: 4)) == "{" + times + #","gesture":"LONG_REPEAT","count":4}"#)
        #expect(json(.longRelease(heldFor: .milliseconds(2200))) == "{" + times + #","gesture":"LONG_RELEASE","heldFor":2.200000000}"#)
        #expect(TracePressText.json(Press(button: "k", gesture: .longRelease(heldFor: .milliseconds(2200)), pressedAt: .milliseconds(1),
                                          decidedAt: .milliseconds(2221)), digits: 6).hasSuffix(#""heldFor":2.200000}"#))
        let release = Press(button: "b", gesture: .longRelease(heldFor: .milliseconds(2200)), pressedAt: .milliseconds(1000), decidedAt: .milliseconds(3220))
        #expect(TracePressText.line(release) == "LONG_RELEASE  b  pressed 1.000000000  decided 3.220000000 (+2220.000 ms)  held 2.200000000 s")
        let repeated = Press(button: "b", gesture: .longRepeat(count: 2), pressedAt: .milliseconds(1000), decidedAt: .milliseconds(3500))
        #expect(TracePressText.line(repeated) == "LONG_REPEAT  b  pressed 1.000000000  decided 3.500000000 (+2500.000 ms)  count 2")
    }

    @Test func evemuPrecisionAndEscaping() {
        let p = Press(button: "KEY_\"X\"\\\n", clickType: .long, pressedAt: Timestamp(nanoseconds: 1_000), decidedAt: Timestamp(nanoseconds: 1_500_001_000))
        #expect(TracePressText.json(p, digits: 6) == #"{"clickType":"LONG","button":"KEY_\"X\"\\\n","pressedAt":0.000001,"decidedAt":1.500001,"gesture":"LONG"}"#)
        // Not exact at 6 digits: fall back to 9 rather than round.
        #expect(TracePressText.seconds(Timestamp(nanoseconds: 1_500_000_123), digits: 6) == "1.500000123")
    }

    @Test func readableLine() {
        let p = Press(button: "GPIO17", clickType: .single, pressedAt: .milliseconds(1000), decidedAt: .milliseconds(1520))
        #expect(TracePressText.line(p) == "SINGLE  GPIO17  pressed 1.000000000  decided 1.520000000 (+520.000 ms)")
    }
}

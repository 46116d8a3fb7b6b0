import Lines
import Presses
import Testing

@Suite struct TraceImporterTests {
    // MARK: gpiomon 1.6

    @Test func gpiomon16DefaultOutput() throws {
        // printf("event: %s offset: %u timestamp: [%8ld.%09ld]\n") with " RISING EDGE" / "FALLING EDGE"
        let text = """
        event: FALLING EDGE offset: 17 timestamp: [    1234.567890123]
        event:  RISING EDGE offset: 17 timestamp: [    1234.687890123]
        event: FALLING EDGE offset: 27 timestamp: [123456789.000000001]
        """
        let t = try TraceReader.read(text: text)
        #expect(t.format == .gpiomon)
        #expect(t.buttons == ["17", "27"])
        #expect(t.edges.map(\.button) == [0, 0, 1])
        #expect(t.edges.map(\.edge.time.nanoseconds) == [1_234_567_890_123, 1_234_687_890_123, 123_456_789_000_000_001])
        #expect(t.edges.map(\.edge.pressed) == [false, true, false]) // active-high by default
        let low = try TraceReader.read(text: text, options: .init(activeLow: true))
        #expect(low.edges.map(\.edge.pressed) == [true, false, true])
        #expect(low.activeLow)
    }

    @Test func polarityDirectiveMakesFallingAPress() throws {
        let t = try TraceReader.read(text: "#@clickbridge polarity active-low\nevent: FALLING EDGE offset: 4 timestamp: [       5.000000000]\n")
        #expect(t.edges[0].edge.pressed)
        // --active-low and the directive agree rather than cancel.
        let both = try TraceReader.read(text: "#@clickbridge polarity active-low\nevent: FALLING EDGE offset: 4 timestamp: [       5.000000000]\n",
                                        options: .init(activeLow: true))
        #expect(both.edges[0].edge.pressed)
    }

    // MARK: gpiomon 2.x

    @Test(arguments: [
        ("10002.907638045\trising\t\"GPIO22\"", "GPIO22"),
        ("10002.907638045\trising\tgpiochip0 22 \"GPIO22\"", "GPIO22"),
        ("10002.907638045\trising\tgpiochip0 22", "gpiochip0:22"),
        ("10002.907638045\trising\t22", "22"),
        ("10002.907638045\trising\tGPIO22", "GPIO22"),
        ("10002.907638045\trising\tgpiochip0 22 GPIO22", "GPIO22"),
        ("10002.907638045\trising\t\"Power Button\"", "Power Button"),
        ("10002.907638045   rising   \"GPIO22\"  ", "GPIO22"),
    ])
    func gpiomon2LineIDs(_ line: String, _ button: String) throws {
        let t = try TraceReader.read(text: line + "\n")
        #expect(t.format == .gpiomon)
        #expect(t.buttons == [button])
        #expect(t.edges == [SourceEdge(button: 0, edge: Edge(time: Timestamp(nanoseconds: 10_002_907_638_045), pressed: true))])
    }

    @Test func gpiomon2SameLineWithAndWithoutChipIsOneButton() throws {
        let t = try TraceReader.read(text: "1.000000000\tfalling\t\"GPIO17\"\n1.100000000\trising\tgpiochip0 17 \"GPIO17\"\n")
        #expect(t.buttons == ["GPIO17"])
        #expect(t.edges.map(\.button) == [0, 0])
    }

    @Test func gpiomon2UTCTimes() throws {
        let t = try TraceReader.read(text: "2024-05-01T10:00:00.123456789Z\tfalling\t\"GPIO17\"\n1970-01-01T00:00:01.000000000Z\trising\t\"GPIO17\"\n" .replacingFirstLineOnly())
        #expect(t.edges[0].edge.time.nanoseconds == 1_714_557_600_123_456_789)
    }

    @Test func gpiomon2BannerIsSkipped() throws {
        let t = try TraceReader.read(text: "Monitoring line 'GPIO17'...\n1.000000000\trising\t\"GPIO17\"\n", options: .init(format: .gpiomon))
        #expect(t.edges.count == 1)
    }

    @Test(arguments: [
        ("event: FALLING EDGE offset: x timestamp: [1.0]", "the line offset"),
        ("event: SIDEWAYS EDGE offset: 1 timestamp: [1.0]", "RISING or FALLING"),
        ("event: FALLING EDGE offset: 1 timestamp: [1.0", "']'"),
        ("event: FALLING EDGE offset: 1 timestamp: 1.0]", "'['"),
        ("1.000000000\tup\t\"GPIO17\"", "'rising' or 'falling'"),
        ("1.000000000\trising\t\"GPIO17", "closing '\"'"),
        ("1.000000000\trising", "a tab and the line"),
        ("hello world", "expected a gpiomon event line"),
    ])
    func gpiomonErrors(_ line: String, _ fragment: String) {
        #expect {
            _ = try TraceReader.read(text: "# header\n" + line + "\n", options: .init(format: .gpiomon))
        } throws: { error in
            guard let e = error as? TraceError else { return false }
            return e.line == 2 && e.message.contains(fragment)
        }
    }

    // MARK: evemu

    static let evemu = """
    # EVEMU 1.3
    # Input device name: "gpio_keys"
    N: gpio_keys
    I: 0019 0001 0001 0100
    P: 00 00 00 00 00 00 00 00
    B: 00 0b 00 00 00 00 00 00 00
    B: 01 00 00 00 10 00 00 00 00
    A: 00 0 255 0 0 0
    L: 00 1
    S: 00 1
    ################################
    #      Waiting for events      #
    ################################
    E: 0.000001 0004 0004 458792\t# EV_MSC / MSC_SCAN             458792
    E: 0.000001 0001 001c 0001\t# EV_KEY / KEY_ENTER            1
    E: 0.000001 0000 0000 0000\t# ------------ SYN_REPORT (0) ---------- +0ms
    E: 0.250112 0001 001c 0002\t# EV_KEY / KEY_ENTER            2
    E: 0.250112 0000 0000 0000\t# ------------ SYN_REPORT (0) ---------- +250ms
    E: 0.300000 0001 0094 0001\t# EV_KEY / KEY_PROG1            1
    E: 0.400000 0001 0094 0000\t# EV_KEY / KEY_PROG1            0
    E: 0.512345 0001 001c 0000\t# EV_KEY / KEY_ENTER            0
    E: 0.600000 0003 0000 -001
    E: 0.700000 0001 02fe 0001
    """

    @Test func evemuKeysBecomeButtons() throws {
        let t = try TraceReader.read(text: Self.evemu)
        #expect(t.format == .evemu)
        #expect(t.buttons == ["KEY_ENTER", "KEY_PROG1", "766"]) // 0x2fe has no name: its code
        #expect(t.source == "evemu gpio_keys")
        #expect(t.timestampDigits == 6)
        #expect(t.edges == [
            SourceEdge(button: 0, edge: Edge(time: Timestamp(nanoseconds: 1_000), pressed: true)),
            SourceEdge(button: 1, edge: Edge(time: Timestamp(nanoseconds: 300_000_000), pressed: true)),
            SourceEdge(button: 1, edge: Edge(time: Timestamp(nanoseconds: 400_000_000), pressed: false)),
            SourceEdge(button: 0, edge: Edge(time: Timestamp(nanoseconds: 512_345_000), pressed: false)),
            SourceEdge(button: 2, edge: Edge(time: Timestamp(nanoseconds: 700_000_000), pressed: true)),
        ])
    }

    @Test func evemuKeyFilter() throws {
        let enter = try #require(EvdevKey.code(parsing: "KEY_ENTER"))
        let t = try TraceReader.read(text: Self.evemu, options: .init(keys: [enter]))
        #expect(t.buttons == ["KEY_ENTER"])
        #expect(t.edges.count == 2)
        let byCode = try TraceReader.read(text: Self.evemu, options: .init(keys: [try #require(EvdevKey.code(parsing: "148"))]))
        #expect(byCode.buttons == ["KEY_PROG1"])
        // A selected key that never appears is still a button, with no edges.
        let absent = try TraceReader.read(text: Self.evemu, options: .init(keys: [try #require(EvdevKey.code(parsing: "KEY_A"))]))
        #expect(absent.buttons == ["KEY_A"])
        #expect(absent.edges.isEmpty)
    }

    @Test func keyNamesComeFromLibevdev() {
        #expect(EvdevKey.name(28) == "KEY_ENTER")
        #expect(EvdevKey.name(0x94) == "KEY_PROG1")
    }

    @Test(arguments: [
        ("E: 0.000001 0001 001c 0003", "0 (release), 1 (press) or 2 (autorepeat)"),
        ("E: 0.000001 0001 0300 0001", "beyond KEY_MAX"),
        ("E: 0.000001 0001 zz 0001", "the event code in hexadecimal"),
        ("E: 0.000001 0001 001c", "the event value"),
        ("E:0.000001 0001 001c 0001", "the event time"),
        ("X: 1", "expected an evemu line"),
        ("garbage", "expected an evemu line"),
    ])
    func evemuErrors(_ line: String, _ fragment: String) {
        #expect {
            _ = try TraceReader.read(text: "# EVEMU 1.3\n" + line + "\n")
        } throws: { error in
            guard let e = error as? TraceError else { return false }
            return e.line == 2 && e.message.contains(fragment)
        }
    }

    @Test func evemuTimesMustIncrease() {
        #expect {
            _ = try TraceReader.read(text: "# EVEMU 1.3\nE: 1.000000 0001 001c 0001\nE: 0.500000 0001 001c 0000\n")
        } throws: { error in
            (error as? TraceError)?.line == 3 && (error as? TraceError)?.message.contains("time order") == true
        }
    }

    // MARK: detection

    @Test func detection() throws {
        #expect(try TraceReader.read(text: "\n\n# hi\nclickbridge-trace 1\n").format == .native)
        #expect(try TraceReader.read(text: "E: 0.000001 0001 001c 0001\n").format == .evemu)
        #expect(try TraceReader.read(text: "#@clickbridge polarity active-low\n1.000000000\tfalling\t\"X\"\n").format == .gpiomon)
    }

    @Test(arguments: [
        ("", "empty"),
        ("\n   \n\n", "empty"),
        ("hello\n", "unknown trace format"),
        ("# only a comment\n", "empty"),
        ("\u{0}\u{1}\u{2}\u{ff}garbage", "unknown trace format"),
    ])
    func unknownOrEmptyInput(_ text: String, _ fragment: String) {
        #expect {
            _ = try TraceReader.read(text: text)
        } throws: { error in
            (error as? TraceError)?.message.contains(fragment) == true
        }
    }

    @Test func emptyFileWithExplicitFormat() {
        for f in TraceFormat.allCases {
            #expect(throws: TraceError.self) { try TraceReader.read(text: "", options: .init(format: f)) }
        }
    }

    @Test func missingFileIsAReadableError() {
        #expect {
            _ = try TraceReader.read(contentsOf: "/nonexistent/trace.txt")
        } throws: { error in
            "\(error)".contains("No such file") && "\(error)".contains("check the path")
        }
    }
}

private extension String {
    /// Only the first line (an ordered pair of times would fail the time-order check).
    func replacingFirstLineOnly() -> String { String(split(separator: "\n")[0]) + "\n" }
}

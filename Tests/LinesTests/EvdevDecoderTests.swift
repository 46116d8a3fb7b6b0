import Lines
import Presses
import Testing

/// Recorded `input_event` sequences (as evemu-record prints them: time, type, code, value) through
/// the pure decoder.
@Suite("evdev decoding")
struct EvdevDecoderTests {
    static let KEY_A: UInt16 = 30, KEY_B: UInt16 = 48, KEY_C: UInt16 = 46, KEY_ENTER: UInt16 = 28
    static let EV_SYN: UInt16 = 0, EV_KEY: UInt16 = 1, EV_REL: UInt16 = 2, EV_ABS: UInt16 = 3, EV_MSC: UInt16 = 4

    static func ev(_ seconds: Double, _ type: UInt16, _ code: UInt16, _ value: Int32) -> InputEvent {
        InputEvent(time: .seconds(seconds), type: type, code: code, value: value)
    }

    static func decode(_ decoder: inout EvdevDecoder, _ events: [InputEvent]) -> (edges: [SourceEdge], resync: [Int]) {
        var edges: [SourceEdge] = []
        var resync: [Int] = []
        for (i, e) in events.enumerated() where decoder.decode(e, into: &edges) { resync.append(i) }
        return (edges, resync)
    }

    @Test("a keyboard's Enter: scan codes and SYN_REPORTs around it, autorepeat ignored")
    func enterWithAutorepeat() {
        // E: 0.000001 0004 0004 458792 / E: 0.000001 0001 001c 0001 / E: 0.000001 0000 0000 0000 ...
        let events = [
            Self.ev(10.000001, Self.EV_MSC, 4, 458792), Self.ev(10.000001, Self.EV_KEY, 28, 1), Self.ev(10.000001, Self.EV_SYN, 0, 0),
            Self.ev(10.500012, Self.EV_KEY, 28, 2), Self.ev(10.500012, Self.EV_SYN, 0, 1),
            Self.ev(10.533400, Self.EV_KEY, 28, 2), Self.ev(10.533400, Self.EV_SYN, 0, 1),
            Self.ev(10.566800, Self.EV_KEY, 28, 2), Self.ev(10.566800, Self.EV_SYN, 0, 1),
            Self.ev(10.600123, Self.EV_MSC, 4, 458792), Self.ev(10.600123, Self.EV_KEY, 28, 0), Self.ev(10.600123, Self.EV_SYN, 0, 0),
        ]
        var decoder = EvdevDecoder(keys: [Self.KEY_ENTER])
        let (edges, resync) = Self.decode(&decoder, events)
        #expect(resync.isEmpty)
        #expect(edges == [
            SourceEdge(button: 0, edge: Edge(time: .seconds(10.000001), pressed: true)),
            SourceEdge(button: 0, edge: Edge(time: .seconds(10.600123), pressed: false)),
        ])
        #expect(decoder.levels == [false])
    }

    @Test("several watched keys map to their own buttons; unwatched keys are ignored")
    func multipleKeys() {
        let events = [
            Self.ev(1.0, Self.EV_KEY, Self.KEY_A, 1), Self.ev(1.0, Self.EV_SYN, 0, 0),
            Self.ev(1.1, Self.EV_KEY, Self.KEY_C, 1), Self.ev(1.1, Self.EV_SYN, 0, 0),
            Self.ev(1.2, Self.EV_KEY, Self.KEY_B, 1), Self.ev(1.2, Self.EV_SYN, 0, 0),
            Self.ev(1.3, Self.EV_KEY, Self.KEY_A, 0), Self.ev(1.3, Self.EV_SYN, 0, 0),
            Self.ev(1.4, Self.EV_KEY, Self.KEY_C, 0), Self.ev(1.4, Self.EV_SYN, 0, 0),
            Self.ev(1.5, Self.EV_KEY, Self.KEY_B, 0), Self.ev(1.5, Self.EV_SYN, 0, 0),
        ]
        var decoder = EvdevDecoder(keys: [Self.KEY_B, Self.KEY_A])
        let (edges, _) = Self.decode(&decoder, events)
        #expect(edges.map { [$0.button, $0.edge.pressed ? 1 : 0, Int($0.edge.time.nanoseconds / 100_000_000)] } == [
            [1, 1, 10], [0, 1, 12], [1, 0, 13], [0, 0, 15],
        ])
    }

    @Test("other event types with the same code number are not key edges")
    func otherTypes() {
        let events = [
            Self.ev(1, Self.EV_REL, 28, 1), Self.ev(1, Self.EV_ABS, 28, 1), Self.ev(1, Self.EV_MSC, 28, 1),
            Self.ev(1, Self.EV_SYN, 28, 1), Self.ev(1, 0x11 /* EV_LED */, 28, 1), Self.ev(1, Self.EV_SYN, 0, 0),
        ]
        var decoder = EvdevDecoder(keys: [Self.KEY_ENTER])
        #expect(Self.decode(&decoder, events).edges.isEmpty)
    }

    @Test("a repeated value is not a second edge")
    func duplicates() {
        var decoder = EvdevDecoder(keys: [Self.KEY_A])
        let (edges, _) = Self.decode(&decoder, [Self.ev(1, Self.EV_KEY, Self.KEY_A, 1), Self.ev(2, Self.EV_KEY, Self.KEY_A, 1),
                                               Self.ev(3, Self.EV_KEY, Self.KEY_A, 0), Self.ev(4, Self.EV_KEY, Self.KEY_A, 0)])
        #expect(edges.map(\.edge.pressed) == [true, false])
    }

    @Test("SYN_DROPPED: events are ignored until the resync, which emits what changed meanwhile")
    func synDropped() {
        var decoder = EvdevDecoder(keys: [Self.KEY_A, Self.KEY_B])
        let before = [Self.ev(1.0, Self.EV_KEY, Self.KEY_A, 1), Self.ev(1.0, Self.EV_SYN, 0, 0)]
        let dropped = [
            Self.ev(1.2, Self.EV_SYN, 3 /* SYN_DROPPED */, 0),
            // Whatever is left of the overflowed queue up to the next report is not trusted.
            Self.ev(1.3, Self.EV_KEY, Self.KEY_A, 0), Self.ev(1.3, Self.EV_KEY, Self.KEY_B, 1), Self.ev(1.3, Self.EV_SYN, 0, 0),
        ]
        var (edges, resync) = Self.decode(&decoder, before)
        #expect(edges.count == 1 && resync.isEmpty)
        (edges, resync) = Self.decode(&decoder, dropped)
        #expect(edges.isEmpty)
        #expect(resync == [0])
        #expect(decoder.dropping)
        // The device's real state: A was released and B is held.
        decoder.resync(levels: [false, true], at: .seconds(1.2), into: &edges)
        #expect(edges == [
            SourceEdge(button: 0, edge: Edge(time: .seconds(1.2), pressed: false)),
            SourceEdge(button: 1, edge: Edge(time: .seconds(1.2), pressed: true)),
        ])
        #expect(!decoder.dropping)
        // Decoding resumes: no stuck key.
        edges = Self.decode(&decoder, [Self.ev(1.5, Self.EV_KEY, Self.KEY_B, 0), Self.ev(1.5, Self.EV_SYN, 0, 0)]).edges
        #expect(edges == [SourceEdge(button: 1, edge: Edge(time: .seconds(1.5), pressed: false))])
        #expect(decoder.levels == [false, false])
    }

    @Test("a resync that finds the levels already known adds no edge")
    func resyncNoChange() {
        var decoder = EvdevDecoder(keys: [Self.KEY_A], levels: [true])
        var edges: [SourceEdge] = []
        decoder.decode(Self.ev(1, Self.EV_SYN, 3, 0), into: &edges)
        decoder.resync(levels: [true], at: .seconds(1), into: &edges)
        #expect(edges.isEmpty)
    }

    @Test("a vanished device releases its held keys")
    func releaseAll() {
        var decoder = EvdevDecoder(keys: [Self.KEY_A, Self.KEY_B])
        var edges: [SourceEdge] = []
        decoder.decode(Self.ev(1, Self.EV_KEY, Self.KEY_B, 1), into: &edges)
        decoder.releaseAll(at: .seconds(2), into: &edges)
        #expect(edges.map { [$0.button, $0.edge.pressed ? 1 : 0] } == [[1, 1], [1, 0]])
    }

    @Test("decoded edges through the detector: autorepeat does not turn a short press into anything else")
    func throughDetector() {
        var events = [Self.ev(5.000, Self.EV_KEY, Self.KEY_ENTER, 1)]
        for i in 1...20 { events.append(Self.ev(5.0 + Double(i) * 0.033, Self.EV_KEY, Self.KEY_ENTER, 2)) }
        events.append(Self.ev(5.9, Self.EV_KEY, Self.KEY_ENTER, 0))
        var decoder = EvdevDecoder(keys: [Self.KEY_ENTER])
        let edges = Self.decode(&decoder, events).edges
        var detector = PressDetector(button: "enter")
        var presses: [Press] = []
        for e in edges { detector.feed(e.edge, into: &presses) }
        while let d = detector.nextDeadline { detector.advance(to: d, into: &presses) }
        #expect(presses.map(\.clickType) == [.single])
    }
}

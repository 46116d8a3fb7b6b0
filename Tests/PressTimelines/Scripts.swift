import Presses

// The compact notation of the worked timelines, shared by every test target that runs them.

public func ms(_ value: Double) -> Timestamp { Timestamp(nanoseconds: Int64((value * 1_000_000).rounded())) }
public func span(ms value: Double) -> Span { Span(nanoseconds: Int64((value * 1_000_000).rounded())) }

/// Edges from a compact script: `"d0 u120 d300.5"` is down at 0 ms, up at 120 ms, down at 300.5 ms.
public func edges(_ script: String) -> [Edge] {
    script.split(separator: " ").map { word in
        let pressed: Bool
        switch word.first {
        case "d": pressed = true
        case "u": pressed = false
        default: fatalError("bad script word \(word)")
        }
        guard let value = Double(word.dropFirst()) else { fatalError("bad script word \(word)") }
        return Edge(time: ms(value), pressed: pressed)
    }
}

public func press(_ type: ClickType, _ pressedAt: Double, _ decidedAt: Double, button: String = "b") -> Press {
    Press(button: button, clickType: type, pressedAt: ms(pressedAt), decidedAt: ms(decidedAt))
}

public func gesture(_ gesture: Gesture, _ pressedAt: Double, _ decidedAt: Double, button: String = "b") -> Press {
    Press(button: button, gesture: gesture, pressedAt: ms(pressedAt), decidedAt: ms(decidedAt))
}

/// One worked timeline: a script on button "b", its settings, how the run ends, and every press
/// it must give, each with its exact `decidedAt`. The table is data only, so that each runner
/// (the pure detector in `PressesTests`, the live `EventLoop` in `LinesTests`) checks the very
/// same rows.
public struct WorkedTimeline: Sendable, CustomStringConvertible {
    public let name: String
    public let script: String
    public let timing: PressTiming
    public let initiallyPressed: Bool
    /// A shutdown (`finish`) at this instant (ms) instead of running to the end.
    public let finishAt: Double?
    /// The run stops at this instant (ms): with `repeat` on, a button held at the end repeats for ever.
    public let until: Double?
    public let expected: [Press]
    /// Where the row is written, so that a runner reports a failure there.
    public let fileID: String
    public let filePath: String
    public let line: Int
    public let column: Int

    public init(_ name: String, _ script: String, timing: PressTiming = .default, initiallyPressed: Bool = false,
                finishAt: Double? = nil, until: Double? = nil, _ expected: [Press],
                fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) {
        self.name = name
        self.script = script
        self.timing = timing
        self.initiallyPressed = initiallyPressed
        self.finishAt = finishAt
        self.until = until
        self.expected = expected
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
        self.column = column
    }

    public var edges: [Edge] { PressTimelines.edges(script) }
    public var description: String { "\(name) [\(script)]" }
}

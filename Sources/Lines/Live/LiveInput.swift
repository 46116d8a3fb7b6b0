import Presses

/// Where live edges come from, as `listen`, `record` and the daemon's buttons name them.
public enum LiveInput: Sendable, Hashable {
    case gpio(GPIOLineConfig)
    case evdev(EvdevConfig)
    /// A trace replayed in real time.
    case trace(path: String, read: TraceReadOptions)

    /// An opened input: the source, how to print its times, and how to describe it.
    public struct Opened {
        public var source: any LineSource
        /// Subtracted from the loop's monotonic times to get the input's own clock (a trace's).
        public var offset: Span
        /// Decimals worth printing: 9 for GPIO and native traces, 6 for evdev (microseconds).
        public var digits: Int
        public var description: String
        /// The trace's own timing, for a trace input.
        public var timing: PressTiming?
        /// Which electrical level is pressed, for writing a native trace.
        public var activeLow: Bool
        /// A hint worth printing before starting (a likely polarity mistake), or nil.
        public var hint: String?
    }

    /// Opens the input now: a missing chip, line, device or file fails here with a one-line error.
    public func open() throws(LineError) -> Opened {
        switch self {
        case .gpio(let config):
            let source = try GPIOSource(config)
            var hint: String?
            // Reading "pressed" before anything is pressed usually means the polarity is wrong.
            if source.heldAtStart[0] {
                hint = config.activeLow
                    ? "the line reads low (pressed) before anything is pressed; a button wired to 3.3V with pull-down is active-high: add --active-high"
                    : "the line reads high (pressed) before anything is pressed; a button wired to GND with pull-up is active-low: drop --active-high"
            }
            return Opened(source: source, offset: .zero, digits: 9,
                          description: "chip \(source.chipPath), line \(source.offset) (\(source.buttons[0])), bias \(config.bias.rawValue), \(config.activeLow ? "active-low: a low level is a press" : "active-high: a high level is a press")",
                          timing: nil, activeLow: config.activeLow, hint: hint)
        case .evdev(let config):
            let source = try EvdevSource(config)
            return Opened(source: source, offset: .zero, digits: 6,
                          description: source.buttons.joined(separator: ", ") + (config.grab ? " (grabbed)" : ""),
                          timing: nil, activeLow: false, hint: nil)
        case .trace(let path, let read):
            let trace: Trace
            do { trace = try TraceReader.read(contentsOf: path, options: read) } catch {
                throw LineError(error.described(file: path))
            }
            if trace.format == .evemu, read.activeLow != nil {
                throw LineError("\(path): --active-low and --active-high apply to gpiomon and native traces; in an evemu trace a key value of 1 is always a press")
            }
            let (source, offset) = try TimedEdgeSource.replaying(trace)
            let span = (trace.edges.last?.edge.time).map { $0 - trace.edges[0].edge.time } ?? .zero
            return Opened(source: source, offset: offset, digits: trace.timestampDigits,
                          description: "\(path) in real time (\(trace.edges.count) edges over \(span.text), buttons \(trace.buttons.joined(separator: ", ")))",
                          timing: trace.timing, activeLow: trace.activeLow, hint: nil)
        }
    }
}

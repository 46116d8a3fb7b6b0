import Lines
import Presses

/// Opens the configured buttons' sources and adds them to one event loop, remembering which
/// device each of the loop's buttons belongs to.
public struct ButtonWiring: Sendable {
    /// Device ids, indexed like `EventLoop.buttons`.
    public private(set) var deviceIds: [String] = []
    /// One line per button that is not available yet (it is waited for) — for the start-up log.
    public private(set) var waiting: [String] = []
    /// Source index (order added) to the configured button, for notices.
    public private(set) var sourceButtons: [ButtonConfig] = []
    /// Every button of the loop, in configuration order, as its presses name it: what MQTT
    /// announces to Home Assistant.
    public private(set) var announced: [AnnouncedButton] = []
    /// The live sources of `simulated` buttons, by device id.
    public private(set) var simulated: [String: TimedEdgeSource] = [:]

    public init() {}

    /// Adds every button. A trace that cannot be read is an error (a file, not hardware that may
    /// come later); a missing GPIO chip or input device is waited for.
    public mutating func add(_ buttons: [ButtonConfig], to loop: EventLoop) throws(LineError) {
        for button in buttons {
            let source = try self.source(for: button)
            let range = loop.add(source, timing: button.timing)
            deviceIds += Array(repeating: button.deviceId, count: range.count)
            announced += source.buttons.map { AnnouncedButton(name: $0, deviceId: button.deviceId, timing: button.timing) }
            sourceButtons.append(button)
        }
    }

    private mutating func source(for button: ButtonConfig) throws(LineError) -> any LineSource {
        switch button.source {
        case .gpio(var config):
            config.name = button.name
            return try awaiting(GPIOSource.awaiting(config), button: button)
        case .evdev(var config):
            config.names = button.pressNames
            return try awaiting(EvdevSource.awaiting(config), button: button)
        case .trace(let file, let options):
            var trace: Trace
            do throws(TraceFileError) {
                trace = try TraceReader.read(contentsOf: file, options: options)
            } catch {
                throw LineError("button \(button.deviceId): \(error.described(file: file))")
            }
            trace.buttons = trace.buttons.count == 1 ? [button.name] : trace.buttons.map { "\(button.name):\($0)" }
            return try TimedEdgeSource.replaying(trace).source
        case .simulated:
            // Stays open, idle, until the program running the daemon plays on it.
            let source = try TimedEdgeSource(buttons: [button.name])
            simulated[button.deviceId] = source
            return source
        }
    }

    private mutating func awaiting(_ source: AwaitingSource, button: ButtonConfig) -> AwaitingSource {
        if let reason = source.waitingReason {
            waiting.append("\(button.deviceId): \(reason); waiting for it to appear")
        }
        return source
    }
}

/// One button as MQTT and Home Assistant see it: the name its presses carry, its device, and the
/// timing that decides which gestures it can make.
public struct AnnouncedButton: Sendable, Equatable {
    public var name: String
    public var deviceId: String
    public var timing: PressTiming

    public init(name: String, deviceId: String, timing: PressTiming) {
        self.name = name
        self.deviceId = deviceId
        self.timing = timing
    }
}

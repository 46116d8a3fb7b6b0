import Presses

/// Turns a device's `input_event`s into edges of the watched keys. Pure: no device, no libevdev.
///
/// - Key value 1 is a press, 0 a release, 2 (autorepeat) is ignored.
/// - Only level changes become edges, so a resync that reports a level already known adds nothing.
/// - After `SYN_DROPPED` the kernel's queue overflowed: events are ignored until the reader has
///   fetched the real key state and called `resync` (libevdev's sync mode, or EVIOCGKEY).
public struct EvdevDecoder: Sendable {
    /// Watched key codes; a key's index here is its `SourceEdge.button`.
    public let keys: [UInt16]
    /// The last known level of each key (true: held).
    public private(set) var levels: [Bool]
    /// True between a `SYN_DROPPED` and the `resync` that follows it.
    public private(set) var dropping = false

    public init(keys: [UInt16], levels: [Bool]? = nil) {
        self.keys = keys
        self.levels = levels ?? Array(repeating: false, count: keys.count)
    }

    /// Decodes one event, appending an edge if it is one. Returns true when the reader must fetch
    /// the device's key state and call `resync` (a `SYN_DROPPED`).
    @discardableResult
    public mutating func decode(_ event: InputEvent, into edges: inout [SourceEdge]) -> Bool {
        if event.type == InputEvent.evSyn && event.code == InputEvent.synDropped {
            dropping = true
            return true
        }
        guard !dropping, event.type == InputEvent.evKey, event.value == 0 || event.value == 1,
              let index = keys.firstIndex(of: event.code) else { return false }
        set(index, event.value == 1, at: event.time, into: &edges)
        return false
    }

    /// Brings the levels in line with the device's real state after a drop (or a reopen), emitting
    /// an edge at `time` for every key whose level changed meanwhile, and resumes decoding.
    public mutating func resync(levels fresh: [Bool], at time: Timestamp, into edges: inout [SourceEdge]) {
        for index in keys.indices where index < fresh.count { set(index, fresh[index], at: time, into: &edges) }
        dropping = false
    }

    /// The device went away: held keys are released at `time`.
    public mutating func releaseAll(at time: Timestamp, into edges: inout [SourceEdge]) {
        resync(levels: Array(repeating: false, count: keys.count), at: time, into: &edges)
    }

    private mutating func set(_ index: Int, _ pressed: Bool, at time: Timestamp, into edges: inout [SourceEdge]) {
        guard levels[index] != pressed else { return }
        levels[index] = pressed
        edges.append(SourceEdge(button: index, edge: Edge(time: time, pressed: pressed)))
    }
}

import Presses
import Synchronization

/// A hardware-free live source: edges scheduled at instants of the monotonic clock, delivered when
/// their instant comes, woken by a timerfd (never a sleep or a periodic tick).
///
/// It replays a `Trace` in real time (`listen --trace`, the daemon's `trace:` buttons) and is the
/// live simulated button (`clickbridge demo`): `play` may be called from any thread while the loop
/// runs, and the new edges wake the loop through the same timerfd.
public final class TimedEdgeSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: the queue and the timer's arming are guarded by `state`'s mutex; the
    // timerfd's descriptor itself never changes.

    private struct State {
        var queue: [SourceEdge] = []  // sorted by time; edges before `head` were delivered
        var head = 0
        var closed = false
    }

    public let buttons: [String]
    public let heldAtStart: [Bool]
    /// With true, the source is finished once its queue is empty (a replayed trace); with false it
    /// waits for more `play` calls (a simulated button).
    public let endsWhenEmpty: Bool
    private let timer: TimerFD
    private let state = Mutex(State())

    public init(buttons: [String], heldAtStart: [Bool]? = nil, endsWhenEmpty: Bool = false) throws(LineError) {
        self.buttons = buttons
        self.heldAtStart = heldAtStart ?? Array(repeating: false, count: buttons.count)
        self.endsWhenEmpty = endsWhenEmpty
        timer = try TimerFD()
    }

    /// A source that replays `trace` in real time, its first edge at `start` (default: now).
    /// `offset` converts back: trace time = monotonic time - offset.
    public static func replaying(_ trace: Trace, startingAt start: Timestamp? = nil) throws(LineError) -> (source: TimedEdgeSource, offset: Span) {
        let first = trace.edges.first?.edge.time ?? Timestamp(nanoseconds: 0)
        let origin = start ?? MonotonicClock.now()
        let offset = origin - first
        // Held buttons as the trace states them, as instant replay (`TraceReplay`) takes them.
        let held = trace.buttons.indices.map(trace.isInitiallyPressed)
        let source = try TimedEdgeSource(buttons: trace.buttons, heldAtStart: held, endsWhenEmpty: true)
        source.schedule(trace.edges.map { SourceEdge(button: $0.button, edge: Edge(time: $0.edge.time + offset, pressed: $0.edge.pressed)) })
        return (source, offset)
    }

    /// Plays `trace`'s edges (its button indices must be this source's) shifted so its first edge
    /// happens `delay` from now. Safe from any thread. Returns the instant of that first edge.
    @discardableResult
    public func play(_ trace: Trace, after delay: Span = .zero) -> Timestamp {
        let first = trace.edges.first?.edge.time ?? Timestamp(nanoseconds: 0)
        let origin = MonotonicClock.now() + delay
        let shift = origin - first
        schedule(trace.edges.map { SourceEdge(button: $0.button, edge: Edge(time: $0.edge.time + shift, pressed: $0.edge.pressed)) })
        return origin
    }

    /// Schedules edges at their own (monotonic) times. Safe from any thread.
    public func schedule(_ edges: [SourceEdge]) {
        guard !edges.isEmpty else { return }
        state.withLock { s in
            guard !s.closed else { return }
            s.queue.removeFirst(s.head)
            s.head = 0
            let wasSorted = s.queue.last.map { $0.edge.time <= edges[0].edge.time } ?? true
            s.queue += edges
            if !wasSorted || !isSorted(edges) {
                s.queue.sort { $0.edge.time < $1.edge.time }  // stable: same-instant edges keep their order
            }
            timer.arm(at: s.queue.first?.edge.time)
        }
    }

    public var descriptors: [Int32] {
        state.withLock { s in s.closed || (endsWhenEmpty && s.head == s.queue.count) ? [] : [timer.fd] }
    }

    public var isFinished: Bool {
        state.withLock { s in s.closed || (endsWhenEmpty && s.head == s.queue.count) }
    }

    /// Edges not yet delivered.
    public var pendingCount: Int { state.withLock { s in s.queue.count - s.head } }

    public func drain(into output: inout SourceOutput) {
        let now = MonotonicClock.now()
        let due: [SourceEdge] = state.withLock { s in
            timer.acknowledge()
            var end = s.head
            while end < s.queue.count, s.queue[end].edge.time <= now { end += 1 }
            let due = Array(s.queue[s.head..<end])
            s.head = end
            if s.head > 1024, s.head * 2 > s.queue.count {
                s.queue.removeFirst(s.head)
                s.head = 0
            }
            timer.arm(at: s.head < s.queue.count ? s.queue[s.head].edge.time : nil)
            return due
        }
        output.edges += due
    }

    public func close() {
        state.withLock { s in
            s.closed = true
            timer.arm(at: nil)
        }
    }
}

private func isSorted(_ edges: [SourceEdge]) -> Bool {
    zip(edges, edges.dropFirst()).allSatisfy { $0.edge.time <= $1.edge.time }
}

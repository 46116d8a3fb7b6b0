import Glibc
import Presses

/// The live event loop: one thread, one epoll over every source's descriptors, one timerfd armed at
/// the earliest pending detector deadline, and one eventfd to stop it. While nothing happens it
/// sleeps in `epoll_wait` with nothing armed but real deadlines, so it uses no CPU.
///
/// Each button gets its own `PressDetector`. Edges carry kernel timestamps on CLOCK_MONOTONIC and
/// deadlines fire on the same clock, so live decisions equal those of an instant replay of the same
/// edges: the detector itself handles deadlines that fall before a late-delivered edge.
///
/// Usage: `add` sources, then `run()` on the thread that should own them; `stop()` from any thread.
public final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: everything but `wake` is touched only by the thread inside `run()` (and
    // by `add` before it starts); `stop()` only writes to the eventfd, which is thread-safe.

    private struct Slot {
        var source: any LineSource
        var firstButton: Int
        var watched: [Int32] = []
        var finished = false
    }

    private var slots: [Slot] = []
    private var detectors: [PressDetector] = []
    private var timings: [PressTiming] = []
    /// Names of all buttons, in the order their sources were added.
    public private(set) var buttons: [String] = []
    private let handler: (LoopEvent) -> Void
    private let epoll: Epoll
    private let timer: TimerFD
    private let wake: EventFD
    private var owners: [Int32: Int] = [:]  // fd -> slot index
    private var running = false

    /// `handler` is called on the loop's thread for every edge, press and notice.
    public init(handler: @escaping (LoopEvent) -> Void) throws(LineError) {
        self.handler = handler
        epoll = try Epoll()
        timer = try TimerFD()
        wake = try EventFD()
        try epoll.add(timer.fd)
        try epoll.add(wake.fd)
    }

    /// Adds a source whose buttons all use `timing`. Returns the loop-wide indices of its buttons.
    @discardableResult
    public func add(_ source: any LineSource, timing: PressTiming = .default) -> Range<Int> {
        add(source, timings: Array(repeating: timing, count: source.buttons.count))
    }

    /// Adds a source with one timing per button (indexed like `source.buttons`).
    @discardableResult
    public func add(_ source: any LineSource, timings: [PressTiming]) -> Range<Int> {
        precondition(!running, "add sources before run()")
        precondition(timings.count == source.buttons.count, "one timing per button")
        let first = buttons.count
        slots.append(Slot(source: source, firstButton: first))
        buttons += source.buttons
        self.timings += timings
        return first..<buttons.count
    }

    /// Asks `run()` to make every pending decision now, release the sources and return. Safe from
    /// any thread and from a signal handler's helper thread; idempotent.
    public func stop() { wake.signal() }

    /// The eventfd `stop()` writes to, for a signal handler (a write(2) is async-signal-safe).
    var stopDescriptor: Int32 { wake.fd }

    /// Runs until `stop()` (or, with `.whenSourcesFinish`, until the sources are done and every
    /// decision is made), then closes every source.
    public func run(until end: LoopEnd = .onStop) throws(LineError) {
        precondition(!running, "run() is not reentrant")
        running = true
        defer { closeAll() }

        detectors = []
        for slot in slots {
            let held = slot.source.heldAtStart
            for (i, name) in slot.source.buttons.enumerated() {
                let b = slot.firstButton + i
                detectors.append(PressDetector(button: name, timing: timings[b], initiallyPressed: i < held.count && held[i]))
            }
        }
        for index in slots.indices { try rewatch(index) }

        var presses: [Press] = []
        while true {
            if end == .whenSourcesFinish, slots.allSatisfy({ $0.finished }), nextDeadline() == nil { break }
            timer.arm(at: nextDeadline())
            let ready = epoll.wait()
            if ready.contains(wake.fd), wake.consume() { break }
            var timerFired = false
            var toDrain = Set<Int>()
            for fd in ready {
                if fd == timer.fd { timerFired = true } else if let owner = owners[fd] { toDrain.insert(owner) }
            }
            if timerFired {
                timer.acknowledge()
                // Edges that happened before `now` must reach the detectors before they decide at
                // `now`, so read the clock first, then collect from every source.
                let now = MonotonicClock.now()
                for index in slots.indices { try drain(index, presses: &presses) }
                advanceAll(to: now, presses: &presses)
            } else {
                for index in toDrain.sorted() { try drain(index, presses: &presses) }
            }
        }

        // Shutdown: collect what is queued, then decide every pending press at once.
        let now = MonotonicClock.now()
        for index in slots.indices { try drain(index, presses: &presses) }
        advanceAll(to: now, presses: &presses)
        for b in detectors.indices {
            presses.removeAll(keepingCapacity: true)
            detectors[b].finish(at: now, into: &presses)
            for p in presses { handler(.press(button: b, p)) }
        }
    }

    /// The earliest deadline across all detectors.
    private func nextDeadline() -> Timestamp? {
        var earliest: Timestamp?
        for d in detectors {
            if let t = d.nextDeadline, earliest == nil || t < earliest! { earliest = t }
        }
        return earliest
    }

    private func advanceAll(to now: Timestamp, presses: inout [Press]) {
        for b in detectors.indices {
            guard let deadline = detectors[b].nextDeadline, deadline <= now else { continue }
            presses.removeAll(keepingCapacity: true)
            detectors[b].advance(to: now, into: &presses)
            for p in presses { handler(.press(button: b, p)) }
        }
    }

    private func drain(_ index: Int, presses: inout [Press]) throws(LineError) {
        guard !slots[index].finished || !slots[index].watched.isEmpty else { return }
        var output = SourceOutput()
        slots[index].source.drain(into: &output)
        for notice in output.notices { handler(.notice(source: index, notice)) }
        let first = slots[index].firstButton
        for se in output.edges {
            let b = first + se.button
            presses.removeAll(keepingCapacity: true)
            // An edge stamped before an instant its detector already reached (a race of
            // microseconds) is taken, and reported, as happening at that instant.
            let edge = detectors[b].feed(se.edge, into: &presses)
            handler(.edge(button: b, edge))
            for p in presses { handler(.press(button: b, p)) }
        }
        slots[index].finished = slots[index].source.isFinished
        try rewatch(index, reopened: !output.notices.isEmpty)
    }

    /// Brings the epoll set in line with the source's current descriptors. After a source reopened
    /// something, a new descriptor may have the number of one it closed (whose registration the
    /// kernel dropped at close), so everything is registered afresh.
    private func rewatch(_ index: Int, reopened: Bool = false) throws(LineError) {
        let now = slots[index].source.descriptors
        let before = slots[index].watched
        guard now != before || reopened else { return }
        for fd in before where reopened || !now.contains(fd) {
            epoll.remove(fd)
            owners[fd] = nil
        }
        for fd in now where reopened || !before.contains(fd) {
            try epoll.add(fd)
            owners[fd] = index
        }
        slots[index].watched = now
    }

    private func closeAll() {
        for index in slots.indices {
            for fd in slots[index].watched { epoll.remove(fd); owners[fd] = nil }
            slots[index].watched = []
            slots[index].source.close()
        }
        running = false
    }
}

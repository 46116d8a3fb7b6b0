import Logging
import NIOCore
import Synchronization

/// Every open connection of one claim server, with the cap on how many may be open at once.
///
/// A connection is in one of three phases: waiting for a request head (just accepted, or idle
/// after a response), reading a request body, or busy (its request is complete and being
/// answered). When a new connection arrives at the cap, the connection that has waited longest
/// for a request head is closed to make room; if none waits for a head, the one that has waited
/// longest for its body. A client that sends its request at once is thus answered however many
/// slow connections are held open, and a busy connection is never cut off. Only when every
/// connection is busy is the new one closed instead.
///
/// Reaching the cap is logged once at warning level; later closings are counted and logged at
/// most once a minute (a timer exists only while a count waits to be logged).
final class ConnectionRegistry: Sendable {
    enum Phase: Sendable, Equatable {
        case head, body, busy
    }

    /// What `register` decided for a new connection.
    enum Admission: Equatable {
        case admitted(id: UInt64)
        /// At the cap with every connection busy: close the new connection.
        case refused
    }

    let cap: Int
    /// Where the cap comes from, for the log ("--max-connections", "the descriptor limit 1024").
    let capSource: String
    let reportInterval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(cap: Int, capSource: String, logger: Logger, reportInterval: Duration = .seconds(60)) {
        self.cap = max(1, cap)
        self.capSource = capSource
        self.logger = logger
        self.reportInterval = reportInterval
    }

    /// Registers a newly accepted connection, waiting for its first request head. At the cap, it
    /// first closes the connection that has waited longest (see the type's comment).
    func register(_ channel: any Channel) -> Admission {
        let (admission, victim, log) = state.withLock { s -> (Admission, (any Channel)?, Report?) in
            var victim: (any Channel)?
            if s.entries.count - s.closing >= cap {
                guard let id = s.oldestWaiting() else {
                    s.refused += 1
                    s.refusedTotal += 1
                    return (.refused, nil, s.noteCapEvent(now: .now, interval: reportInterval))
                }
                s.entries[id]!.closing = true
                s.closing += 1
                s.evicted += 1
                s.evictedTotal += 1
                victim = s.entries[id]!.channel
            }
            let id = s.nextId
            s.nextId += 1
            s.entries[id] = Entry(channel: channel, phase: .head, sequence: 0)
            s.enter(.head, id: id)
            let log = victim == nil ? nil : s.noteCapEvent(now: .now, interval: reportInterval)
            return (.admitted(id: id), victim, log)
        }
        victim?.close(mode: .all, promise: nil)
        if let log { report(log, eventLoop: channel.eventLoop) }
        return admission
    }

    /// The connection moved to another phase.
    func update(_ id: UInt64, to phase: Phase) {
        state.withLock { s in
            guard let entry = s.entries[id], !entry.closing, entry.phase != phase else { return }
            s.entries[id]!.phase = phase
            s.enter(phase, id: id)
        }
    }

    /// The connection is closed.
    func remove(_ id: UInt64) {
        state.withLock { s in
            guard let entry = s.entries.removeValue(forKey: id) else { return }
            if entry.closing { s.closing -= 1 }
        }
    }

    /// Open connections, those being closed for the cap included.
    var count: Int { state.withLock { $0.entries.count } }

    /// How many connections the cap closed, and how many new ones it refused, since the start.
    var capClosings: (evicted: Int, refused: Int) { state.withLock { ($0.evictedTotal, $0.refusedTotal) } }

    /// Entries in the phase queues, stale ones included (tests: they stay proportional).
    var queuedStamps: Int { state.withLock { $0.heads.count + $0.bodies.count } }

    // MARK: state

    private struct Entry {
        let channel: any Channel
        var phase: Phase
        /// Stamps the entry's current place in its phase's queue; older stamps there are stale.
        var sequence: UInt64
        var closing = false
    }

    /// What to log after the lock is released.
    private enum Report {
        case first
        case count(evicted: Int, refused: Int, over: Duration)
        /// Nothing now; log the count at this instant unless a report comes first.
        case later(ContinuousClock.Instant)
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextId: UInt64 = 1
        var nextSequence: UInt64 = 1
        /// Connections waiting for a head, and reading a body, oldest first (with stale stamps).
        var heads = StampQueue()
        var bodies = StampQueue()
        var closing = 0
        // The log: closings since the last report, when that was, and whether one is scheduled.
        var evicted = 0
        var refused = 0
        var evictedTotal = 0
        var refusedTotal = 0
        var lastReport: ContinuousClock.Instant?
        var reportScheduled = false

        mutating func enter(_ phase: Phase, id: UInt64) {
            let stamp = nextSequence
            nextSequence += 1
            entries[id]!.sequence = stamp
            switch phase {
            case .head: heads.push(stamp, id)
            case .body: bodies.push(stamp, id)
            case .busy: break
            }
            // Stale stamps pile up as connections change phase: drop them once they outnumber the
            // live ones, so the queues stay proportional to the open connections.
            let limit = 2 * entries.count + 64
            if heads.count > limit {
                let current = entries
                heads.compact { Self.isCurrent(current, $0, $1, .head) }
            }
            if bodies.count > limit {
                let current = entries
                bodies.compact { Self.isCurrent(current, $0, $1, .body) }
            }
        }

        func isCurrent(_ stamp: UInt64, _ id: UInt64, _ phase: Phase) -> Bool {
            Self.isCurrent(entries, stamp, id, phase)
        }

        static func isCurrent(_ entries: [UInt64: Entry], _ stamp: UInt64, _ id: UInt64, _ phase: Phase) -> Bool {
            guard let e = entries[id] else { return false }
            return !e.closing && e.phase == phase && e.sequence == stamp
        }

        /// The connection waiting longest for a head, else for a body; nil if all are busy.
        mutating func oldestWaiting() -> UInt64? {
            while let (stamp, id) = heads.popFirst() {
                if isCurrent(stamp, id, .head) { return id }
            }
            while let (stamp, id) = bodies.popFirst() {
                if isCurrent(stamp, id, .body) { return id }
            }
            return nil
        }

        /// Says what to log after a closing or refusal was counted: the first ever at once, then
        /// counts at most once per `interval`.
        mutating func noteCapEvent(now: ContinuousClock.Instant, interval: Duration) -> Report? {
            guard let last = lastReport else {
                lastReport = now
                evicted = 0
                refused = 0
                return .first
            }
            return flush(now: now, last: last, interval: interval)
        }

        mutating func flush(now: ContinuousClock.Instant, last: ContinuousClock.Instant, interval: Duration) -> Report? {
            guard evicted > 0 || refused > 0 else { return nil }
            if now - last >= interval {
                let report = Report.count(evicted: evicted, refused: refused, over: now - last)
                evicted = 0
                refused = 0
                lastReport = now
                return report
            }
            guard !reportScheduled else { return nil }
            reportScheduled = true
            return .later(last + interval)
        }
    }

    private func report(_ report: Report, eventLoop: any EventLoop) {
        switch report {
        case .first:
            logger.warning("connection cap reached: \(cap) connections are open, the most allowed (\(capSource)). Each new connection now closes the one that has waited longest for its request; a count of those closed follows at most once a minute")
        case .count(let evicted, let refused, let over):
            let seconds = Int(over.components.seconds)
            let refusedText = refused > 0 ? ", and refused \(refused) new connection(s) while every connection was busy" : ""
            logger.warning("connection cap of \(cap) (\(capSource)): closed \(evicted) connection(s) still waiting for their request in the last \(seconds) s\(refusedText)")
        case .later(let at):
            eventLoop.scheduleTask(in: TimeAmount(max(.zero, at - .now))) {
                self.flushScheduledReport(eventLoop: eventLoop)
            }
        }
    }

    private func flushScheduledReport(eventLoop: any EventLoop) {
        let log = state.withLock { s -> Report? in
            s.reportScheduled = false
            guard let last = s.lastReport else { return nil }
            return s.flush(now: .now, last: last, interval: reportInterval)
        }
        if let log { report(log, eventLoop: eventLoop) }
    }
}

/// A FIFO of (stamp, connection id) pairs, some of them stale.
private struct StampQueue {
    private var items: [(UInt64, UInt64)] = []
    private var start = 0

    var count: Int { items.count - start }

    mutating func push(_ stamp: UInt64, _ id: UInt64) { items.append((stamp, id)) }

    mutating func popFirst() -> (UInt64, UInt64)? {
        guard start < items.count else { return nil }
        let first = items[start]
        start += 1
        if start > 64, start * 2 > items.count {
            items.removeFirst(start)
            start = 0
        }
        return first
    }

    mutating func compact(keeping isCurrent: (UInt64, UInt64) -> Bool) {
        items = items[start...].filter { isCurrent($0.0, $0.1) }
        start = 0
    }
}

import Synchronization

/// Keeps events for `retention` (90 days by default) and never deletes a younger one. Pruning
/// runs when the service starts and then on ingest at most once an hour, so an idle service has
/// no timer to wake it and a busy one pays one indexed DELETE per hour.
final class EventRetention: Sendable {
    let retention: Int64
    static let interval: Int64 = 3_600_000_000
    private let lastPrune = Mutex<Int64?>(nil)

    init(retention: Int64) { self.retention = retention }

    /// The receipt time before which events may go, if a prune is due at `now`.
    func cutoffIfDue(now: Int64) -> Int64? {
        lastPrune.withLock { last in
            if let l = last, now - l < Self.interval { return nil }
            last = now
            return now - retention
        }
    }
}

/// Keys with a write in progress: RegisterAVSDevice answers ConcurrentModificationException to a
/// second registration of the same device while the first is still being written.
final class InFlightKeys: Sendable {
    private let keys = Mutex<Set<String>>([])

    func begin(_ key: String) -> Bool { keys.withLock { $0.insert(key).inserted } }
    func end(_ key: String) { _ = keys.withLock { $0.remove(key) } }
}

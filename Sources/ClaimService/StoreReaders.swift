import GRDB
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One read-only connection per thread that reads the store.
///
/// The service reads on the request's event loop. GRDB's reader pool is shared by all loops, and
/// taking a reader from it and giving it back are barrier blocks on one Dispatch queue: with two
/// loops answering at once, one of them can sleep on a futex until the other is done. A connection
/// that belongs to the thread is never contended, so a read takes no lock but the one around this
/// map, held for a dictionary lookup. The threads that read are few and long-lived (the event
/// loops), so the map stays small.
final class StoreReaders: Sendable {
    private let path: String
    private let configuration: Configuration
    private let byThread = Mutex<[UInt: DatabaseQueue]>([:])

    init(path: String, configuration: Configuration) {
        var configuration = configuration
        // Read-only connections keep the store's busy timeout: a WAL reader meets SQLITE_BUSY only in
        // rare cases (recovery, a closing last connection), and waits them out as GRDB's readers do.
        configuration.readonly = true
        self.path = path
        self.configuration = configuration
    }

    /// This thread's connection, opened on its first read.
    func connection() throws -> DatabaseQueue {
        let thread = UInt(pthread_self())
        if let queue = byThread.withLock({ $0[thread] }) { return queue }
        // Opened outside the lock: only this thread adds its own key.
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        byThread.withLock { $0[thread] = queue }
        return queue
    }

    /// Closes every connection. The store calls this before its writer closes, so that the writer
    /// is the last connection and checkpoints the WAL on close.
    func closeAll() {
        let queues = byThread.withLock { map in
            defer { map.removeAll() }
            return Array(map.values)
        }
        for queue in queues { try? queue.close() }
    }
}

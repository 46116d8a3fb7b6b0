import Foundation
import GRDB
import Testing

@testable import ClaimService

/// `StoreReaders`: a read-only connection per thread, which sees every commit and closes before
/// the writer.
@Suite struct StoreReadersTests {
    /// The same thread reads on the same connection every time; another thread on its own.
    @Test func eachThreadHasItsOwnConnection() throws {
        let directory = temporaryDirectory()
        let store = try Store(directory: directory)
        let readers = StoreReaders(path: directory + "/" + Store.fileName, configuration: Configuration())
        defer { readers.closeAll() }
        let here = try readers.connection()
        #expect(try readers.connection() === here)
        let there = try onNewThread { try readers.connection() }
        #expect(there !== here)
        // A reader cannot write.
        #expect(throws: DatabaseError.self) { try here.unsafeRead { try $0.execute(sql: "CREATE TABLE probe (x)") } }
        _ = store
    }

    /// A connection opened before a commit reads it: no read keeps an old snapshot open.
    @Test func aReaderSeesLaterCommits() async throws {
        let store = try Store(directory: temporaryDirectory())
        try await store.write { try $0.execute(sql: "CREATE TABLE probe (n INTEGER)") }
        let count: @Sendable (Database) throws -> Int = { try Int.fetchOne($0, sql: "SELECT count(*) FROM probe") ?? -1 }
        #expect(try await store.read(count) == 0)
        #expect(try store.readOneStatement(count) == 0)
        for n in 1...3 {
            try await store.write { try $0.execute(sql: "INSERT INTO probe VALUES (?)", arguments: [n]) }
            #expect(try await store.read(count) == n)
            #expect(try store.readOneStatement(count) == n)
        }
    }

    /// Readers close before the writer, so the writer is the last connection and empties the WAL
    /// into the database when the store goes: nothing is left in `-wal` after a clean stop.
    @Test func theWriterClosesLastAndCheckpoints() async throws {
        let directory = temporaryDirectory()
        let wal = directory + "/" + Store.fileName + "-wal"
        do {
            let store = try Store(directory: directory)
            try await store.write { try $0.execute(sql: "CREATE TABLE probe (n INTEGER)") }
            try await store.write { try $0.execute(sql: "INSERT INTO probe VALUES (1)") }
            _ = try store.readOneStatement { try Int.fetchOne($0, sql: "SELECT count(*) FROM probe") }
            _ = try onNewThread { try store.readOneStatement { try Int.fetchOne($0, sql: "SELECT n FROM probe") } }
            #expect(((try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0) > 0)
        }
        // SQLite deletes the WAL when the last connection closes after a full checkpoint.
        #expect(!FileManager.default.fileExists(atPath: wal))
        let reopened = try Store(directory: directory)
        #expect(try reopened.readOneStatement { try Int.fetchOne($0, sql: "SELECT count(*) FROM probe") } == 1)
    }
}

/// Runs `body` on a thread of its own, joined before this returns, so that nothing `body`
/// captured is still held by the thread afterwards.
private func onNewThread<T>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    nonisolated(unsafe) var result: Result<T, any Error>?
    let work = ThreadWork { result = Result(catching: body) }
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { context in
        let work = Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue()
        work.run?()
        work.run = nil
        return nil
    }, Unmanaged.passRetained(work).toOpaque())
    precondition(started == 0, "pthread_create: \(started)")
    pthread_join(thread, nil)
    return try result!.get()
}

private final class ThreadWork: @unchecked Sendable {
    var run: (() -> Void)?
    init(_ run: @escaping () -> Void) { self.run = run }
}

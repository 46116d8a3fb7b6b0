import Foundation
import Synchronization
import TestSupport
@testable import Bridge

/// A fresh directory in the tests' scratch directory, removed by the caller with `removeTemporaryDirectory`.
func makeTemporaryDirectory() throws -> String {
    let path = testScratch.appendingPathComponent("clickbridge-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeTemporaryDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Collects values sent from any thread and lets a test await a count of them. The timeout only
/// keeps a broken build from hanging CI; no test asserts on how long anything took.
final class Collector<T: Sendable>: Sendable {
    private let stream: AsyncStream<T>
    private let continuation: AsyncStream<T>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream(of: T.self) }

    func add(_ value: T) { continuation.yield(value) }

    /// The first `count` values, or those that came if `timeout` seconds pass first.
    func take(_ count: Int, timeout: Double = 30) async -> [T] {
        let stream = self.stream
        let got = Box<[T]>([])
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await v in stream {
                    let n = got.withLock { $0.append(v); return $0.count }
                    if n == count { break }
                }
            }
            group.addTask { try? await Task.sleep(for: .seconds(timeout)) }
            await group.next()
            group.cancelAll()
        }
        return got.withLock { $0 }
    }
}

/// A value shared between tasks under a lock.
final class Box<V: Sendable>: Sendable {
    private let m: Mutex<V>
    init(_ v: V) { m = Mutex(v) }
    func withLock<R: Sendable>(_ f: (inout V) -> R) -> R { m.withLock { f(&$0) } }
}

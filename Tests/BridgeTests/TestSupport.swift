import Foundation
@testable import Bridge

/// A fresh directory under the system temp dir, removed by the caller with `removeTemporaryDirectory`.
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("clickbridge-test-\(UUID().uuidString)").path
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

    /// The first `count` values, or fewer if `timeout` seconds pass first.
    func take(_ count: Int, timeout: Double = 30) async -> [T] {
        let stream = self.stream
        return await withTaskGroup(of: [T]?.self) { group in
            group.addTask {
                var values: [T] = []
                for await v in stream {
                    values.append(v)
                    if values.count == count { break }
                }
                return values
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }
}

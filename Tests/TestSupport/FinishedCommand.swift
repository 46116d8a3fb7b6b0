#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A command run to its end: its exit status and everything it wrote.
public struct FinishedCommand: Sendable {
    public var status: Int32
    public var out: String
    public var err: String

    /// Runs `executable` and waits for it, blocking this thread (see `offPool`). `environment` is
    /// added to this process's own.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> FinishedCommand {
        let errors = Collected()
        let process = try LaunchedProcess(
            executable, arguments,
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            standardOutput: .pipe, standardError: .chunks { errors.append($0) })
        // Read to the end before waiting: a child that fills a pipe would never exit.
        let out = readToEnd(process.standardOutput!)
        close(process.standardOutput!)
        process.waitUntilExit()
        return FinishedCommand(status: process.terminationStatus, out: String(decoding: out, as: UTF8.self),
                               err: String(decoding: errors.data, as: UTF8.self))
    }
}

/// Bytes appended by one reader thread and read after it finished.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()
    func append(_ chunk: Data) { lock.withLock { bytes.append(chunk) } }
    var data: Data { lock.withLock { bytes } }
}

/// Runs blocking work (a child process's pipes, a blocking recv) on a thread of its own, so it does
/// not hold one of the few threads of Swift's cooperative pool that other tests, and services
/// running in this process, need.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
        Thread { c.resume(with: Result { try body() }) }.start()
    }
}

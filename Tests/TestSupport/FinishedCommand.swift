import Foundation

/// A command run to its end: its exit status and everything it wrote.
public struct FinishedCommand: Sendable {
    public var status: Int32
    public var out: String
    public var err: String

    /// Runs `executable` and waits for it, blocking this thread (see `offPool`). `environment` is
    /// added to this process's own.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> FinishedCommand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both to the end before waiting: a child that fills a pipe would never exit.
        let o = readToEnd(out.fileHandleForReading.fileDescriptor)
        let e = readToEnd(err.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        return FinishedCommand(status: process.terminationStatus, out: String(decoding: o, as: UTF8.self),
                               err: String(decoding: e, as: UTF8.self))
    }
}

/// Starts `executable` and returns at once; its output goes to `standardOutput` and
/// `standardError` (a `Pipe` or a `FileHandle`).
public func launchProcess(_ executable: String, _ arguments: [String], standardOutput: Any = FileHandle.nullDevice,
                          standardError: Any = FileHandle.nullDevice) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = standardOutput
    process.standardError = standardError
    try process.run()
    return process
}

/// Runs blocking work (a child process's pipes, a blocking recv) on a thread of its own, so it does
/// not hold one of the few threads of Swift's cooperative pool that other tests, and services
/// running in this process, need.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
        Thread { c.resume(with: Result { try body() }) }.start()
    }
}

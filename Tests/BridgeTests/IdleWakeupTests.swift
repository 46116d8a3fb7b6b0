import Foundation
import Glibc
import TestSupport
import Testing

/// An idle daemon does not wake: `run` (embedded service, 8 buttons whose devices are absent) and
/// `serve` make no context switch over a few seconds once started. A 1 s timer anywhere in the
/// process (libdispatch's worker-pool monitor did this once) makes five.
///
/// This counts wake-ups, which load cannot add to a process that is blocked; it measures no time.
@Suite(.serialized) struct IdleWakeupTests {
    /// Voluntary and involuntary context switches of each of the process's threads so far.
    static func switches(_ pid: pid_t) -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var counts: [String: Int] = [:]
        for task in tasks {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
            // "voluntary_ctxt_switches:\t12" and "nonvoluntary_ctxt_switches:\t3"
            counts[task] = status.split(separator: "\n").filter { $0.contains("ctxt_switches:") }
                .compactMap { $0.split(separator: "\t").last.flatMap { Int($0) } }.reduce(0, +)
        }
        return counts
    }

    /// Lets `process` settle (libdispatch lets an idle worker thread go after about 5 s), then
    /// counts its threads' wake-ups over `window`; a thread that ends meanwhile takes none away.
    static func wakeups(of process: LaunchedProcess, settle: Duration = .seconds(7), window: Duration = .seconds(5)) async throws -> Int {
        try await Task.sleep(for: settle)
        try #require(process.isRunning, "it exited before the window (status \(process.terminationStatus))")
        let before = switches(process.processIdentifier)
        try await Task.sleep(for: window)
        try #require(process.isRunning)
        return switches(process.processIdentifier).reduce(0) { $0 + max(0, $1.value - (before[$1.key] ?? 0)) }
    }

    @Test func anIdleRunDoesNotWake() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/dev", withIntermediateDirectories: false)
        let buttons = (1...8).map { "  - deviceId: G030PM0IDLE0000\($0)\n    evdev: { device: \(dir)/dev/absent-\($0), key: KEY_ENTER }\n" }.joined()
        try "stateDir: \(dir)/state\nlisten: 127.0.0.1:0\nbuttons:\n\(buttons)".write(toFile: dir + "/run.yaml", atomically: true, encoding: .utf8)
        let process = try ClickBridgeBinary.launch(["run", "--config", dir + "/run.yaml"])
        defer { process.terminate(); process.waitUntilExit() }
        let count = try await Self.wakeups(of: process)
        #expect(count <= 2, "run woke \(count) times in 5 s while idle")
    }

    @Test func anIdleServeDoesNotWake() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let process = try ClickBridgeBinary.launch(["serve", "--listen", "127.0.0.1:0", "--state-dir", dir + "/state"])
        defer { process.terminate(); process.waitUntilExit() }
        let count = try await Self.wakeups(of: process)
        #expect(count <= 2, "serve woke \(count) times in 5 s while idle")
    }
}

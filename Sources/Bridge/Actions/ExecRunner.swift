import Foundation
import Glibc
import Lines
import Presses

/// Runs exec actions. Each run blocks one dedicated thread in poll() on the command's output and
/// its exit, with the timeout as poll's own timeout, so nothing spins and no thread of Swift's
/// cooperative pool (two on a Pi) is ever held by a slow command.
public enum ExecRunner {
    /// How much of the command's output is kept for the log.
    public static let tailBytes = 2048

    /// Runs `action` for `event`; returns when the command has exited or been killed.
    /// `onStart` is called with the pid right after the spawn (benchmarks use it).
    public static func run(_ action: ExecAction, event: ActionEvent,
                           onStart: (@Sendable (pid_t) -> Void)? = nil) async -> ExecOutcome {
        let payload = event.payload
        let environment = event.environment
        return await withCheckedContinuation { (done: CheckedContinuation<ExecOutcome, Never>) in
            let thread = Thread {
                done.resume(returning: runBlocking(action, environment: environment, stdin: payload, onStart: onStart))
            }
            thread.name = "clickbridge-exec"
            thread.start()
        }
    }

    static func runBlocking(_ action: ExecAction, environment: [(String, String)], stdin: [UInt8],
                            onStart: (@Sendable (pid_t) -> Void)?) -> ExecOutcome {
        let start = MonotonicClock.now().nanoseconds
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(argv: action.argv, environment: environment, stdin: stdin)
        } catch {
            return ExecOutcome(ending: .notStarted(error.description), outputTail: "", seconds: 0)
        }
        onStart?(child.pid)
        let exit = ExitWatch(pid: child.pid)
        var tail = OutputTail(limit: tailBytes)
        var output: Int32? = child.output
        defer { if let output { close(output) } }

        var deadline = start + action.timeout.nanoseconds
        var phase = 0  // 0 running, 1 SIGTERM sent, 2 SIGKILL sent
        while true {
            var fds = [pollfd(fd: exit.fd, events: Int16(POLLIN), revents: 0)]
            if let output { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
            let wait = phase == 2 ? -1 : Int32(clamping: max(0, (deadline - MonotonicClock.now().nanoseconds + 999_999) / 1_000_000))
            if poll(&fds, nfds_t(fds.count), wait) < 0 && errno != EINTR { break }
            if fds.count > 1, fds[1].revents != 0, !tail.read(from: fds[1].fd) {
                close(fds[1].fd)
                output = nil
            }
            if fds[0].revents != 0 { break }
            guard phase < 2, MonotonicClock.now().nanoseconds >= deadline else { continue }
            // Negative pid: the whole process group the command started.
            if phase == 0 {
                kill(-child.pid, SIGTERM)
                deadline = MonotonicClock.now().nanoseconds + ExecAction.killGrace.nanoseconds
            } else {
                kill(-child.pid, SIGKILL)
            }
            phase += 1
        }
        let status = exit.reap()
        if phase > 0 {
            // Whatever of its group outlived it goes too; the group id is still reserved while
            // any member lives, so this cannot hit an unrelated process.
            kill(-child.pid, SIGKILL)
        }
        // What it wrote before exiting; descendants that keep the pipe open are not waited for.
        if let output {
            _ = fcntl(output, F_SETFL, O_NONBLOCK)
            while tail.read(from: output) {}
        }
        let seconds = Double(MonotonicClock.now().nanoseconds - start) / 1e9
        let ending: ExecOutcome.Ending
        if phase > 0 {
            ending = .timedOut
        } else if status & 0x7f == 0 {
            ending = .exited((status >> 8) & 0xff)
        } else {
            ending = .signaled(status & 0x7f)
        }
        return ExecOutcome(ending: ending, outputTail: tail.text, seconds: seconds)
    }
}

/// The last `limit` bytes a command wrote.
struct OutputTail {
    let limit: Int
    private var bytes: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    /// Reads what is available; false at end of file or on an error (nothing more will come).
    mutating func read(from fd: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { return true }
        guard n > 0 else { return false }
        bytes.append(contentsOf: chunk[0..<n])
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
        return true
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

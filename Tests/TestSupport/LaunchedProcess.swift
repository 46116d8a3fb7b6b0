#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A child process started with posix_spawn and waited for with waitpid.
///
/// Foundation's `Process` and `FileHandle.readabilityHandler` watch children and pipes with
/// libdispatch sources, and a CI run of this suite died of a SIGSEGV inside libdispatch while
/// children were being waited for that way. Here no dispatch source is involved: output is read
/// by a plain thread blocked in read(2) until end of file, and the exit is taken with waitpid.
public final class LaunchedProcess: @unchecked Sendable {
    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable {
        /// /dev/null.
        case discard
        /// Appended to this file.
        case file(String)
        /// Each chunk as it arrives, on a thread of its own, until end of file.
        case chunks(@Sendable (Data) -> Void)
        /// A pipe the caller reads through `standardOutput` / `standardError`, and closes.
        case pipe
    }

    public enum TerminationReason: Sendable { case exit, uncaughtSignal }

    public let processIdentifier: pid_t
    /// The read end of the output given as `.pipe`, else nil.
    public let standardOutput: Int32?
    public let standardError: Int32?

    private let state = NSCondition()
    private var waitStatus: Int32?
    private var openReaders = 0

    /// Starts `executable` with `arguments`; `environment` replaces this process's own when given.
    /// The child is killed when the test process exits, if it is still running then, unless it is
    /// a watcher that must outlive the tests (`outlivesTests`).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                standardOutput out: Output = .discard, standardError err: Output = .discard,
                outlivesTests: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var readEnds: [Int32?] = []
        var writeEnds: [Int32] = []
        defer { writeEnds.forEach { close($0) } }
        do {
            for (target, output) in [(Int32(1), out), (Int32(2), err)] {
                switch output {
                case .discard:
                    posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
                    readEnds.append(nil)
                case .file(let path):
                    posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
                    readEnds.append(nil)
                case .chunks, .pipe:
                    let (readEnd, writeEnd) = try Self.pipe()
                    readEnds.append(readEnd)
                    writeEnds.append(writeEnd)
                    posix_spawn_file_actions_adddup2(&actions, writeEnd, target)
                }
            }
        } catch {
            readEnds.forEach { $0.map { _ = close($0) } }
            throw error
        }
        // Nothing else of this process reaches the child: a pipe end it inherited would keep
        // another test's reader from seeing end of file.
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        // The child starts with no signal blocked and every disposition at its default, as from a
        // shell: the spawning thread may block signals (the test runner's threads do), and a child
        // that inherited that mask would ignore SIGTERM and its own SIGALRM (`mosquitto_sub -W`).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = envp.map { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            readEnds.forEach { $0.map { _ = close($0) } }
            throw SpawnFailure(description: "cannot run \(executable): \(String(cString: strerror(rc)))")
        }
        processIdentifier = pid
        if !outlivesTests { LiveChildren.add(pid) }
        standardOutput = Self.isPipe(out) ? readEnds[0] : nil
        standardError = Self.isPipe(err) ? readEnds[1] : nil
        for (fd, output) in zip(readEnds, [out, err]) {
            if let fd, case .chunks(let deliver) = output { startReader(fd, deliver) }
        }
    }

    /// Whether the child is still running; reaps it when it has exited.
    public var isRunning: Bool {
        state.lock()
        defer { state.unlock() }
        return reapLocked(blocking: false) == nil
    }

    /// Blocks until the child has exited and every `.chunks` reader has seen end of file.
    public func waitUntilExit() {
        // Waits without reaping, so `isRunning` on another thread stays race-free; the reaping
        // happens under the lock.
        var info = siginfo_t()
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        state.lock()
        defer { state.unlock() }
        _ = reapLocked(blocking: true)
        while openReaders > 0 { state.wait() }
    }

    /// The exit status, or the number of the signal that ended it. Only after the child exited.
    public var terminationStatus: Int32 {
        let status = exitStatus()
        return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    public var terminationReason: TerminationReason {
        exitStatus() & 0x7f == 0 ? .exit : .uncaughtSignal
    }

    /// Runs the shell `command` once the test process has gone, however it went: a watcher that
    /// waits for the tests' pid, for clean-up that must happen even when the tests crash.
    public static func afterTheTests(_ command: String) throws {
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done\n" + command
        // setsid: not in the tests' process group, so a ^C to the tests does not stop it before
        // it has cleaned up.
        _ = try LaunchedProcess("/usr/bin/setsid", ["/bin/sh", "-c", script], outlivesTests: true)
    }

    /// SIGTERM, as `Process.terminate()` sends; nothing once the child has exited and been reaped
    /// (its pid may be another process's by then).
    public func terminate() {
        state.lock()
        defer { state.unlock() }
        if reapLocked(blocking: false) == nil { kill(processIdentifier, SIGTERM) }
    }

    private func exitStatus() -> Int32 {
        state.lock()
        defer { state.unlock() }
        guard let status = reapLocked(blocking: false) else {
            preconditionFailure("the child \(processIdentifier) is still running")
        }
        return status
    }

    private func reapLocked(blocking: Bool) -> Int32? {
        if let waitStatus { return waitStatus }
        var status: Int32 = 0
        while true {
            let rc = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
            if rc == processIdentifier {
                waitStatus = status
                LiveChildren.remove(processIdentifier)
                return status
            }
            if rc == 0 { return nil }
            if errno != EINTR { return nil }
        }
    }

    private func startReader(_ fd: Int32, _ deliver: @escaping @Sendable (Data) -> Void) {
        state.lock()
        openReaders += 1
        state.unlock()
        Thread { [self] in
            while case let chunk = readChunk(fd), !chunk.isEmpty { deliver(chunk) }
            close(fd)
            state.lock()
            openReaders -= 1
            state.broadcast()
            state.unlock()
        }.start()
    }

    private static func isPipe(_ output: Output) -> Bool {
        if case .pipe = output { true } else { false }
    }

    private struct SpawnFailure: Error, CustomStringConvertible { var description: String }

    /// A pipe whose ends close on exec; the child gets only the copy dup2'ed onto 1 or 2.
    private static func pipe() throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard let pipe2, pipe2(&fds, O_CLOEXEC) == 0 else {
            throw SpawnFailure(description: "pipe2: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    // Looked up at run time: Swift's Glibc module exports neither (glibc has had pipe2 since
    // 2.9 and posix_spawn_file_actions_addclosefrom_np since 2.34).
    private static let pipe2: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2").map { unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self) }
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            .map { unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self) }
}

/// The children still running, killed when the test process exits: a test that fails between
/// starting a service and stopping it must not leave the service running after the suite, holding
/// its port, its files and a database connection.
private enum LiveChildren {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let killedAtExit: Void = {
        atexit {
            LiveChildren.pids.withLock { pids in
                for pid in pids { kill(pid, SIGKILL) }
            }
        }
    }()

    static func add(_ pid: pid_t) {
        _ = killedAtExit
        pids.withLock { _ = $0.insert(pid) }
    }

    static func remove(_ pid: pid_t) {
        pids.withLock { _ = $0.remove(pid) }
    }
}

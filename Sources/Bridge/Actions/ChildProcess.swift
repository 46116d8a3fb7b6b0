import Foundation
import Glibc

/// Spawning a command with posix_spawn: no shell, its own process group, default signal
/// dispositions, only the given environment, and stdin/stdout+stderr on pipes.
struct ChildProcess {
    let pid: pid_t
    /// Read end of the command's stdout and stderr (one pipe, so their order is kept).
    let output: Int32

    enum SpawnError: Error, CustomStringConvertible {
        case notFound(String)
        case system(String, Int32)
        var description: String {
            switch self {
            case .notFound(let name): return "'\(name)' was not found in \(ExecAction.searchPath); give its full path"
            case .system(let what, let code): return "\(what): \(String(cString: strerror(code)))"
            }
        }
    }

    /// `stdin` is written into the pipe before the command starts: a pipe holds 64 KiB, far more
    /// than an event, and writing before the spawn cannot raise SIGPIPE in the daemon.
    static func spawn(argv: [String], environment: [(String, String)], stdin: [UInt8]) throws(SpawnError) -> ChildProcess {
        let path = try resolve(argv[0])

        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        guard makePipe(&inPipe) else { throw .system("pipe", errno) }
        guard makePipe(&outPipe) else {
            let e = errno
            close(inPipe[0]); close(inPipe[1])
            throw .system("pipe", e)
        }
        defer { close(inPipe[0]); close(outPipe[1]) }
        _ = fcntl(inPipe[1], F_SETFL, O_NONBLOCK)
        stdin.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(inPipe[1], buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }  // full (an event never fills 64 KiB): the command gets what fits
                off += n
            }
        }
        close(inPipe[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Its own process group, so a timeout kills everything it started; signals the daemon
        // blocks or handles are reset to their defaults.
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attr, 0)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.0)=\($0.1)") } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, cArgv, cEnv)
        guard rc == 0 else {
            close(outPipe[0])
            throw .system("cannot run \(path)", rc)
        }
        return ChildProcess(pid: pid, output: outPipe[0])
    }

    /// A pipe whose ends close on exec (Swift's Glibc module has no pipe2): the command gets only
    /// the copies dup2'ed onto 0, 1 and 2.
    static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    /// A name with a slash is a path; a bare name is looked up in the fixed search path.
    static func resolve(_ name: String) throws(SpawnError) -> String {
        if name.contains("/") { return name }
        for dir in ExecAction.searchPath.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw .notFound(name)
    }
}

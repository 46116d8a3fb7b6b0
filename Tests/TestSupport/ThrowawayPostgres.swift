#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A PostgreSQL cluster of the tests' own: `initdb` in a temporary directory, run as an
/// unprivileged user (PostgreSQL refuses root), started with `pg_ctl` on a free loopback port,
/// with password (SCRAM) authentication, so the database URL's password is really used. It is
/// dropped (stopped and deleted) when the test process ends, however it ends: a watcher process
/// started with it waits for the tests' pid to go.
///
/// One cluster per test process; each test takes a database of its own (`newDatabase`).
///
/// PostgreSQL's server binaries are found in `CLICKBRIDGE_POSTGRES_BIN`, else on PATH, else in
/// Debian's `/usr/lib/postgresql/VERSION/bin` (the newest). Without them the tests that need
/// PostgreSQL are not run, and say so, except under `CI=true`, where they fail: CI installs
/// `postgresql-15` (`scripts/setup`).
public final class ThrowawayPostgres: Sendable {
    public let port: Int
    public let user = "clickbridge"
    public let password: String
    /// The cluster's directory: its data, its socket and its log.
    public let directory: String
    private let cluster: Cluster

    /// Why PostgreSQL's binaries cannot be used here; nil when they can.
    public static let missing: String? = {
        switch Cluster.locateBinaries() {
        case .success: nil
        case .failure(let why): why.description
        }
    }()

    /// The directory of PostgreSQL's binaries (initdb, pg_ctl, psql), if found.
    public static let binaries: String? = try? Cluster.locateBinaries().get()

    /// Whether the tests that need PostgreSQL run: when it is installed, and always in CI (where
    /// a missing PostgreSQL then fails them). Says once why they do not.
    public static let enabled: Bool = {
        guard let missing else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        FileHandle.standardError.write(Data("note: the PostgreSQL tests are not run: \(missing)\n".utf8))
        return false
    }()

    /// The cluster of this test process, started by the first call.
    public static func shared() async throws -> ThrowawayPostgres {
        try await offPool {
            try started.withLock { cluster in
                if let cluster { return cluster }
                let new = try ThrowawayPostgres()
                cluster = new
                return new
            }
        }
    }

    private static let started = LockedCluster()

    /// A cluster of the caller's own, for a test that stops and starts its server (the shared one
    /// must stay up for the others). Dropped with the test process, like the shared one.
    public static func privateCluster() async throws -> ThrowawayPostgres {
        try await offPool { try ThrowawayPostgres() }
    }

    /// A new, empty database in the cluster; its URL, as `serve --database` takes it.
    public func newDatabase() async throws -> String {
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        _ = try await offPool { [self] in
            try cluster.run(cluster.binaries + "/createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-w", String(name)],
                            asOSUser: false, environment: ["PGPASSWORD": password])
        }
        return url(database: String(name))
    }

    /// The URL of `database` in this cluster.
    public func url(database: String) -> String {
        "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL through `psql` as the cluster's superuser and returns what it printed (unaligned,
    /// tuples only): for tests that look at a database from outside the service.
    public func psql(_ sql: String, database: String) async throws -> String {
        try await offPool { [self] in
            try cluster.run(cluster.binaries + "/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-w", "-X", "-q", "-A", "-t",
                                                         "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql],
                            asOSUser: false, environment: ["PGPASSWORD": password])
        }
    }

    /// Stops the server (fast shutdown: open connections are cut), keeping its data.
    public func stop() async throws {
        _ = try await offPool { [cluster] in
            try cluster.run(cluster.binaries + "/pg_ctl", ["-D", cluster.directory + "/data", "-m", "fast", "-w", "stop"], asOSUser: true)
        }
    }

    /// Starts the server again, on the same port, after `stop`.
    public func start() async throws {
        try await offPool { [cluster] in try cluster.startServer() }
    }

    private init() throws {
        let binaries = try Cluster.locateBinaries().get()
        let osUser = geteuid() == 0 ? (ProcessInfo.processInfo.environment["CLICKBRIDGE_POSTGRES_OS_USER"] ?? "postgres") : nil
        password = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clickbridge-postgres-" + UUID().uuidString).path
        self.directory = directory
        cluster = Cluster(binaries: binaries, directory: directory, osUser: osUser)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        var made = false
        defer { if !made { try? FileManager.default.removeItem(atPath: directory) } }
        let password = self.password
        let passwordFile = directory + "/password"
        try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        if let osUser {
            guard let entry = getpwnam(osUser) else {
                throw Failure("the tests run as root, and PostgreSQL refuses to: they run it as the user '\(osUser)', which does not exist. Create it, or name another with CLICKBRIDGE_POSTGRES_OS_USER")
            }
            for path in [directory, passwordFile] where chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) != 0 {
                throw Failure("cannot give \(path) to \(osUser): \(String(cString: strerror(errno)))")
            }
        }
        let cluster = self.cluster
        try cluster.run(binaries + "/initdb", ["-D", directory + "/data", "-U", user, "--pwfile", passwordFile,
                                              "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync"], asOSUser: true)
        try FileManager.default.removeItem(atPath: passwordFile)
        try cluster.dropWithTestProcess()
        made = true
        // A free port may be taken by someone else between the probe and the bind: try a few.
        var port = 0
        for attempt in 1...5 {
            port = try freePort()
            do {
                try cluster.configure(port: port)
                try cluster.startServer()
                break
            } catch where attempt < 5 {
                continue
            }
        }
        self.port = port
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// The commands that make, start and drop the cluster in `directory`.
private struct Cluster: Sendable {
    let binaries: String
    let directory: String
    /// Who runs the server when the tests run as root.
    let osUser: String?

    /// Loopback only, the socket in the cluster's directory, and commits acknowledged only once
    /// durable (`synchronous_commit`), as in production.
    func configure(port: Int) throws {
        let settings = """
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(directory)'
            synchronous_commit = on
            max_connections = 200
            """
        let file = directory + "/data/postgresql.auto.conf"
        try Data(settings.utf8).write(to: URL(fileURLWithPath: file))
        if let osUser, let entry = getpwnam(osUser) { chown(file, entry.pointee.pw_uid, entry.pointee.pw_gid) }
    }

    func startServer() throws {
        try run(binaries + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "start"],
                asOSUser: true)
    }

    /// A watcher of the test process: when it is gone, the server is stopped at once and the
    /// cluster deleted.
    func dropWithTestProcess() throws {
        let asUser = osUser.map { "runuser -u \($0) -- " } ?? ""
        try LaunchedProcess.afterTheTests("""
            if [ -f '\(directory)/data/postmaster.pid' ]; then \(asUser)'\(binaries)/pg_ctl' -D '\(directory)/data' -m immediate -w stop; fi
            rm -rf '\(directory)'
            """)
    }

    /// Runs a PostgreSQL binary to its end, as the unprivileged user when `asOSUser` and the tests
    /// run as root; returns its output, or fails with it and the end of the server's log.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], asOSUser: Bool, environment: [String: String] = [:]) throws -> String {
        var command = [executable] + arguments
        if asOSUser, let osUser { command = ["/usr/sbin/runuser", "-u", osUser, "--"] + command }
        let finished = try FinishedCommand.run(command[0], Array(command.dropFirst()), environment: environment)
        guard finished.status == 0 else {
            var log = ""
            if let text = try? String(contentsOfFile: directory + "/server.log", encoding: .utf8) {
                log = "\nthe server's log ends:\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
            }
            throw ThrowawayPostgres.Failure("\(command.joined(separator: " ")) failed (status \(finished.status)): \(finished.err)\(finished.out)\(log)")
        }
        return finished.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func locateBinaries() -> Result<String, ThrowawayPostgres.Failure> {
        let fm = FileManager.default
        if let given = ProcessInfo.processInfo.environment["CLICKBRIDGE_POSTGRES_BIN"] {
            return fm.isExecutableFile(atPath: given + "/initdb") ? .success(given)
                : .failure(.init("CLICKBRIDGE_POSTGRES_BIN=\(given) has no initdb"))
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let initdb = URL(fileURLWithPath: String(dir)).appendingPathComponent("initdb").resolvingSymlinksInPath()
            if fm.isExecutableFile(atPath: initdb.path) { return .success(initdb.deletingLastPathComponent().path) }
        }
        // Debian keeps the server's binaries off PATH, one directory per major version.
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last(where: { fm.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) {
            return .success("/usr/lib/postgresql/\(newest)/bin")
        }
        return .failure(.init("PostgreSQL's initdb is not installed (on Debian: apt-get install postgresql-15, or run scripts/setup)"))
    }
}

/// The process's one cluster, made under a lock so that tests starting at once share it.
private final class LockedCluster: @unchecked Sendable {
    private let lock = NSLock()
    private var cluster: ThrowawayPostgres?

    func withLock<T>(_ body: (inout ThrowawayPostgres?) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&cluster)
    }
}

import ClaimService
import Foundation
import OneClick
import Logging
import PostgresNIO
import Synchronization

/// The claim service's state in PostgreSQL, shared by every instance of a fleet (ARCHITECTURE.md,
/// "Fleet"). Each call is one transaction on a connection of postgres-nio's pool:
///
/// - Every call that writes runs at SERIALIZABLE. The claim rules decide from several rows (the
///   device, the caller's initiation, the events since it), and two instances must never both
///   decide on the same state: PostgreSQL aborts one of two overlapping transactions with a
///   serialization failure (40001) or a deadlock (40P01), and the call is run again from the
///   start, on the state the other committed. So two finalizes give one CLAIMED and one 409,
///   ClaimDevicesByClaimCode is all or nothing, and an event id is stored once. Callers never
///   see these failures unless they repeat `maxAttempts` times.
/// - Calls that only read run at REPEATABLE READ, READ ONLY: one snapshot for all their queries.
/// - The two hottest calls, DescribeDevice and event ingest, make single statements outside an
///   explicit transaction instead (`statement`); their comments say why that is enough.
/// - A call returns only after COMMIT, and the server commits with `synchronous_commit` on
///   (checked when the schema is), so an acknowledged answer is durable.
///
/// The pool connects on demand and reconnects by itself. While the database cannot be reached,
/// each call fails within `connectionWait` with a 500 InternalFailureException that says so,
/// which the SDKs and the bridges' outboxes retry. The schema is migrated by the first call that
/// reaches the database, so a service starts whether or not the database is up.
public final class PostgresClaimStore: Sendable {
    let client: PostgresClient
    let url: DatabaseURL
    let logger: Logger
    /// How long a call waits for a connection before it answers 500.
    let connectionWait: Duration
    /// Whom failure messages speak to: a client of the service, or whoever runs a command
    /// (`store copy`, `credentials --database`), who has no service to reconnect for them.
    let wording: FailureWording
    static let maxAttempts = 30
    /// Names this instance in the leases of the callbacks it delivers.
    let instance = UUID().uuidString.lowercased()
    private let runner: Mutex<Task<Void, Never>?>
    /// The TLS the pool uses (nil: none), for `whyUnreachable`'s own connection.
    let tlsConfiguration: TLSConfiguration?
    let diagnosis = Mutex<(at: ContinuousClock.Instant, error: any Error)?>(nil)
    private let schema = Mutex<SchemaState>(.unknown)
    /// A credentials file to import once the schema is there (`serve --credentials FILE`).
    let principalsToImport: (file: CredentialsFile, path: String)?
    /// Counts database errors and pool waits for `serve --metrics-listen`; nil: not counted.
    let metrics: ClaimServiceMetrics?

    private enum SchemaState {
        case unknown
        case migrating(Task<Void, any Error>)
        case ready
    }

    /// Starts the pool (it connects when first used). `close()` stops it. `importing`: principals
    /// of a credentials file, added by the first call that reaches the database, before any
    /// request is answered, so no request is refused for want of a key the file has. `metrics`:
    /// where database errors and pool waits are counted (`serve --metrics-listen`). `wording`: whom
    /// failure messages address, a client of `serve` or whoever runs a command.
    public init(url: DatabaseURL, logger: Logger, connectionWait: Duration = .seconds(10),
                importing principalsToImport: (file: CredentialsFile, path: String)? = nil,
                metrics: ClaimServiceMetrics? = nil, wording: FailureWording = .service) throws(DatabaseURL.Invalid) {
        self.url = url
        self.wording = wording
        self.principalsToImport = principalsToImport
        self.metrics = metrics
        self.logger = logger
        self.connectionWait = connectionWait
        tlsConfiguration = try Self.tlsConfiguration(url)
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tlsConfiguration.map { .require($0) } ?? .disable)
        configuration.options.connectTimeout = connectionWait
        configuration.options.maximumConnections = 20
        // What the server tells each session: the service's name in pg_stat_activity, and durable
        // commits whatever the database's default.
        configuration.options.additionalStartupParameters = [("application_name", "clickbridge"), ("synchronous_commit", "on")]
        // The pool reports every failed connection attempt at info, several a second while the
        // database is down; the store says it once per diagnosis instead (`whyUnreachable`).
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let client = self.client
        runner = Mutex(Task { await client.run() })
    }

    /// Migrates the schema (and imports `importing`) now, if the database can be reached, rather
    /// than at the first request; `serve` calls it at start. A failure is left to the next call.
    package func prepare() async {
        try? await ensureSchema()
    }

    /// Stops the pool; calls after it fail.
    public func close() {
        runner.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    deinit { runner.withLock { $0?.cancel() } }

    private static func tlsConfiguration(_ url: DatabaseURL) throws(DatabaseURL.Invalid) -> TLSConfiguration? {
        switch url.tlsMode {
        case .disable:
            return nil
        case .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return tls
        case .verifyFull:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let file = url.rootCertificateFile {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw DatabaseURL.Invalid(description: "sslrootcert=\(file) cannot be read: give the path of a readable PEM file of the CA certificates that signed the server's")
                }
                tls.trustRoots = .file(file)
            }
            return tls
        }
    }

    // MARK: transactions

    /// Runs `body` in one SERIALIZABLE transaction, again from the start after a serialization
    /// failure or deadlock. A `ServiceError` thrown by `body` rolls back and is rethrown.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws(ServiceError) -> T {
        try await transaction("BEGIN ISOLATION LEVEL SERIALIZABLE", body)
    }

    /// Runs `body` in one read-only transaction: a single snapshot for all its queries.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws(ServiceError) -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body`, which makes exactly one statement, outside an explicit transaction: the
    /// statement is its own transaction (a snapshot of its own, atomic, committed before it
    /// answers), and BEGIN and COMMIT would double the round trips of the hottest calls.
    func statement<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws(ServiceError) -> T {
        try await ensureSchema()
        do {
            return try await withConnection(body)
        } catch let error as ServiceError {
            throw error
        } catch {
            throw await failure(error)
        }
    }

    private func transaction<T: Sendable>(
        _ begin: PostgresQuery, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws(ServiceError) -> T {
        try await ensureSchema()
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection, logger in
                    try await connection.query(begin, logger: logger)
                    do {
                        let value = try await body(connection, logger)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        // Best effort: a broken connection is discarded by the pool anyway.
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch let error as ServiceError {
                throw error
            } catch where Self.mustRetry(error) && attempt < Self.maxAttempts {
                attempt += 1
                // Jittered, growing a little: the transaction that won is committing now.
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...(200 * min(attempt, 10)))))
            } catch {
                throw await failure(error)
            }
        }
    }

    /// A leased connection for `body`. Waiting for one is limited to `connectionWait`: while the
    /// database is down the pool would hold the request until its circuit breaker trips (a
    /// minute), and a request must instead fail at once, clearly, for its client to retry.
    private func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let leased = LeaseFlag()
        let client = self.client
        let logger = self.logger
        let wait = connectionWait
        let metrics = self.metrics
        // The clock is read only when the wait is measured.
        let asked = metrics == nil ? nil : ContinuousClock.now
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    leased.set()
                    if let metrics, let asked {
                        let waited = ContinuousClock.now - asked
                        metrics.waitedForConnection(
                            nanoseconds: waited.components.seconds * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
                    }
                    return try await body(connection, logger)
                }
            }
            group.addTask {
                try await Task.sleep(for: wait)
                // Once leased, the call runs to its end: a transaction is not cut off midway.
                if !leased.isSet { throw NoConnection(wait: wait) }
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
            }
            throw NoConnection(wait: wait)
        }
    }

    /// Migrates the schema once per process, by the first call that reaches the database; a
    /// failed attempt is made again by the next call.
    private func ensureSchema() async throws(ServiceError) {
        let task: Task<Void, any Error> = schema.withLock { state in
            switch state {
            case .ready:
                return Task {}
            case .migrating(let task):
                return task
            case .unknown:
                let task = Task { [self] in
                    let applied = try await withConnection { connection, logger in
                        try await PostgresMigrations.migrate(connection, logger: logger)
                    }
                    if !applied.isEmpty { logger.info("database \(url): applied schema versions \(applied.joined(separator: ", "))") }
                    if let importing = principalsToImport {
                        let done = try await withConnection { connection, logger in
                            try await Self.importPrincipals(importing.file, from: importing.path, connection, logger: logger)
                        }
                        logger.info("\(done.summary(file: importing.path))")
                    }
                }
                state = .migrating(task)
                return task
            }
        }
        do {
            try await task.value
            schema.withLock { $0 = .ready }
        } catch {
            schema.withLock { state in
                if case .migrating = state { state = .unknown }
            }
            throw await failure(error)
        }
    }

    // MARK: errors

    /// Whether PostgreSQL aborted the transaction only because another one overlapped it. Every
    /// call reads a key before it inserts it, so a duplicate key can only come from such a race.
    static func mustRetry(_ error: any Error) -> Bool {
        let state = sqlState(error)
        // 23505: a unique key inserted by a transaction that overlapped this one (an implicit
        // registration, an event id); run again, this one finds the row and decides on it.
        return state == "40001" || state == "40P01" || state == "23505"
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Any failure but a `ServiceError`, as a 500 that says what happened and what follows.
    func failure(_ error: any Error) async -> ServiceError {
        if let error = error as? ServiceError { return error }
        // Every failure of the database's own (not a claim rule's ServiceError) passes here once.
        metrics?.databaseError()
        if let wait = error as? NoConnection {
            // The pool keeps its reasons to itself: ask the database directly.
            return Self.describe(await whyUnreachable(), at: url, waited: wait.wait, wording: wording)
        }
        return Self.describe(error, at: url, wording: wording)
    }

    static func describe(_ error: any Error, at url: DatabaseURL, waited: Duration? = nil, wording: FailureWording) -> ServiceError {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
            return describe(inner, at: url, waited: waited, wording: wording)
        }
        let where_ = "\(url.host):\(url.port)/\(url.database)"
        let retry = wording.retry
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo {
                let state = info[.sqlState] ?? "?"
                let message = info[.message] ?? ""
                if state == "28P01" || state == "28000" {
                    return ServiceError(.internalFailure, "\(wording.database) at \(where_) refused \(wording.credentials) (SQLSTATE \(state): \(message)): check the user and password of the --database URL")
                }
                if state == "3D000" {
                    return ServiceError(.internalFailure, "\(wording.database) \(where_) does not exist (\(message)): create it (createdb) or correct the --database URL")
                }
                return ServiceError(.internalFailure, "\(wording.database) at \(where_) failed the request (SQLSTATE \(state): \(message)): \(wording.notDone)")
            }
            let why = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
            return ServiceError(.internalFailure, "\(wording.database) at \(where_) cannot be reached (\(why)): \(retry)")
        }
        if let waited {
            return ServiceError(.internalFailure, "\(wording.database) at \(where_) cannot be reached (no connection within \(waited): \(error)): \(retry)")
        }
        return ServiceError(.internalFailure, "\(wording.database) at \(where_) failed the request (\(error)): \(wording.notDone)")
    }
}

extension PostgresClaimStore: ClaimStore {}

/// The words of the store's failure messages, by whom they reach.
public enum FailureWording: Sendable {
    /// A request's client, through a 500 from `serve`.
    case service
    /// Whoever runs a command on the database.
    case command

    var database: String { self == .service ? "the service's database" : "the database" }
    var credentials: String { self == .service ? "the service's credentials" : "the command's credentials" }
    var notDone: String { self == .service ? "the request was not carried out" : "nothing was changed" }
    var retry: String {
        self == .service ? "the request was not carried out; retry it. The service reconnects by itself when the database is back"
            : "nothing was changed; run the command again once the database can be reached"
    }
}

/// No connection could be leased within `wait`.
struct NoConnection: Error {
    let wait: Duration
}

/// Set once a call holds its connection.
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

extension PostgresClaimStore {
    /// A setting as the service's own sessions see it (diagnostics and tests).
    package func sessionSetting(_ name: String) async throws(ServiceError) -> String? {
        try await read { connection, logger in
            try await Self.scalar(connection, "SELECT current_setting(\(name))", as: String.self, logger: logger)
        }
    }
}

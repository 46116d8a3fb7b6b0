import ArgumentParser
import Bridge
import ClaimService
import ClaimStorePostgres
import Foundation
import Logging
import MetricsEndpoint
import OneClick

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the claim service (IoT 1-Click Devices API and RegisterAVSDevice) on this machine.",
        discussion: """
            Every request must be SigV4-signed with a key from the credentials file (AWS INI, one \
            profile per principal with aws_account_id). Without --credentials, the state dir's \
            `credentials` is used, and created (profiles `bridge` and `owner` of one random account) \
            if it does not exist. Stops cleanly on SIGTERM or SIGINT.

            With --database (or CLICKBRIDGE_DATABASE_URL) the service keeps its state in \
            PostgreSQL instead of SQLite in the state dir, so several instances can serve one \
            fleet: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full&sslrootcert=FILE] \
            (without sslmode, verify-full). It starts whether or not the database is up; until \
            it is, requests get 500 InternalFailureException. The principals then live in the \
            database (`clickbridge credentials … --database URL` manages them): --credentials FILE \
            adds the file's principals that the database does not have yet, and where the two \
            differ the database wins; without it, no file is read or created.

            With --metrics-listen, Prometheus metrics are served at http://ADDR/metrics, on an \
            address of their own: the API's port never answers /metrics.
            """
    )

    @Option(help: "Address and port to listen on, e.g. 127.0.0.1:8787 or [::1]:8787. Port 0 picks a free port.")
    var listen: String = "127.0.0.1:8787"

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9187 (default: no metrics). Never on the API's --listen address.",
                               valueName: "ADDR"))
    var metricsListen: String?

    @Option(help: "Directory for the service's SQLite state (default: the clickbridge state directory).")
    var stateDir: String?

    @Option(help: ArgumentHelp("PostgreSQL for the service's state, shared by a fleet's instances (default: SQLite in the state dir; CLICKBRIDGE_DATABASE_URL when set).",
                               valueName: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]"))
    var database: String?

    @Option(help: "Credentials file (AWS shared-credentials INI with aws_account_id per profile). With --database, its principals that the database lacks are imported into it.")
    var credentials: String?

    @Flag(help: "Accept unsigned requests (as account 000000000000). Only allowed on a loopback address.")
    var allowUnsigned = false

    @Option(name: .customLong("room"), help: "A room ARN RegisterAVSDevice accepts (repeatable).")
    var rooms: [String] = []

    @Option(help: "How long an InitiateDeviceClaim stays valid, in seconds.")
    var claimExpirySeconds: Int = 600

    @Option(help: "How long device events are kept, in days.")
    var eventRetentionDays: Int = 90

    @Flag(help: "Allow click callbacks to loopback, private, link-local and other non-public addresses (a home network). Without it, such a callback URL is refused when it is set and when its host resolves at delivery.")
    var allowPrivateCallbacks = false

    @Option(help: "How long a new connection may take to send its request line and headers (e.g. 10s, 500ms).")
    var headerTimeout: DurationArgument = DurationArgument(argument: "10s")!

    @Option(help: "How long a connection may stay idle after a response before its next request's headers are complete.")
    var idleTimeout: DurationArgument = DurationArgument(argument: "75s")!

    @Option(help: "How long a request's body may take to arrive once its headers have, and how long a client may leave an answer unread.")
    var bodyTimeout: DurationArgument = DurationArgument(argument: "30s")!

    @Option(help: "The most connections open at once (default: the soft descriptor limit, ulimit -n, less an eighth of it and at least 64, for the rest of the process). At the cap, each new connection closes the one that has waited longest for its request.")
    var maxConnections: Int?

    func run() async throws {
        let address: ListenAddress
        do throws(ListenAddress.Invalid) { address = try ListenAddress(parsing: listen) } catch {
            throw ServeFailure("--listen '\(listen)' is not HOST:PORT (e.g. 127.0.0.1:8787): \(error)")
        }
        var metricsAddress: ListenAddress?
        if let metricsListen {
            do throws(ListenAddress.Invalid) { metricsAddress = try ListenAddress(parsing: metricsListen) } catch {
                throw ServeFailure("--metrics-listen '\(metricsListen)' is not HOST:PORT (e.g. 127.0.0.1:9187): \(error)")
            }
            if let metricsAddress, metricsAddress.port != 0, metricsAddress == address {
                throw ServeFailure("--metrics-listen \(metricsListen) is the API's --listen address: give metrics a port of their own (e.g. 127.0.0.1:9187)")
            }
        }
        guard claimExpirySeconds > 0 else { throw ValidationError("--claim-expiry-seconds must be positive") }
        guard eventRetentionDays > 0 else { throw ValidationError("--event-retention-days must be positive") }
        for (flag, value) in [("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout)]
        where value.duration <= .zero {
            throw ValidationError("\(flag) must be longer than 0 (e.g. 10s)")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        let databaseURL = try Self.databaseURL(option: database, environment: ProcessInfo.processInfo.environment)
        // Every refusal comes before anything is written: no state dir, no credentials.
        if allowUnsigned, !ClaimServer.isLoopback(address.host) {
            throw ServeFailure(ClaimServerError.unsignedOnNonLoopback(address.host).description)
        }
        let stateDir = self.stateDir ?? StateDirectory.defaultPath()
        let credentialsPath: String
        if databaseURL != nil {
            // A fleet's principals are in its database; a file given is only imported.
            credentialsPath = credentials ?? ""
            if let credentials, let why = FileAccess.whyUnreadable(credentials) {
                throw ServeFailure("credentials file \(credentials) \(why): fix that, or omit --credentials to use only the principals in the database")
            }
        } else if let credentials {
            if let why = FileAccess.whyUnreadable(credentials) {
                throw ServeFailure("credentials file \(credentials) \(why): fix that, or omit --credentials to use \(StateDirectory.credentialsPath(stateDirectory: stateDir))")
            }
            credentialsPath = credentials
        } else {
            credentialsPath = StateDirectory.credentialsPath(stateDirectory: stateDir)
            do { try StateFiles.makeDirectory(stateDir) } catch { throw ServeFailure("state dir \(error.description)") }
            if try CredentialsFile.createDefaultIfMissing(path: credentialsPath) {
                Terminal.out("clickbridge serve: created credentials (profiles bridge and owner) at \(credentialsPath)")
            }
        }
        let settings = ClaimServiceSettings(
            stateDirectory: stateDir, listen: address, credentialsPath: credentialsPath,
            allowUnsigned: allowUnsigned,
            rooms: rooms,
            claimExpiry: Int64(claimExpirySeconds) * 1_000_000,
            eventRetention: Int64(eventRetentionDays) * 86_400 * 1_000_000,
            allowPrivateCallbacks: allowPrivateCallbacks,
            connectionLimits: ConnectionLimits(headerTimeout: headerTimeout.duration, idleTimeout: idleTimeout.duration,
                                               bodyTimeout: bodyTimeout.duration, maxConnections: maxConnections))
        var config: ClaimServiceConfiguration
        // Metrics exist only when asked for: without --metrics-listen nothing is registered or counted.
        var metricsServer: MetricsServer?
        var metrics: ClaimServiceMetrics?
        if let metricsAddress {
            let prometheus = PrometheusMetrics()
            prometheus.bootstrapSystem()
            metrics = ClaimServiceMetrics(factory: prometheus.factory)
            metricsServer = MetricsServer(
                host: metricsAddress.host, port: metricsAddress.port, metrics: prometheus,
                logger: Logger(label: "clickbridge.metrics")
            ) { bound in
                Terminal.out("clickbridge serve: metrics on http://\(ListenAddress(host: metricsAddress.host, port: bound))/metrics")
            }
        }
        var postgres: PostgresClaimStore?
        if let databaseURL {
            var importing: (file: CredentialsFile, path: String)?
            if let credentials {
                // Checked as in SQLite mode (owner, mode, every profile usable) before it is imported.
                do {
                    importing = (try CredentialStore(path: credentials).file, credentials)
                } catch {
                    throw ServeFailure("credentials \(error); fix the file (`clickbridge credentials list --credentials \(credentials)` shows what it holds)")
                }
            }
            // The pool connects when a request needs it: the database may be down at start. The
            // file is imported by the first call that reaches it, before that call is answered.
            do throws(DatabaseURL.Invalid) {
                postgres = try PostgresClaimStore(url: databaseURL, logger: Logger(label: "clickbridge.database"), importing: importing,
                                                  metrics: metrics)
            } catch {
                throw ServeFailure("--database: \(error)")
            }
            config = settings.configuration(authenticator: PostgresCredentialAuthenticator(store: postgres!))
            config.store = postgres
        } else {
            do {
                config = try settings.configuration()
            } catch {
                let advice = FileAccess.whyUnreadable(credentialsPath) != nil
                    ? "run serve as a user that may read it (its owner, or root), or give --credentials FILE"
                    : "fix the file (`clickbridge credentials list --credentials \(credentialsPath)` shows what it holds)"
                throw ServeFailure("credentials \(error); \(advice)")
            }
        }
        config.metrics = metrics
        defer { postgres?.close() }
        if let postgres {
            // Migrated and imported at start when the database is up; else by the first request
            // that reaches it, which waits for that.
            Task { await postgres.prepare() }
        }
        let where_ = databaseURL.map { "database \($0), credentials in the database" + (credentials.map { ", imported from \($0)" } ?? "") }
            ?? "state \(stateDir), credentials \(credentialsPath)"
        let server = try ClaimServer(configuration: config) { bound in
            // Unbuffered, so a supervisor or test reading a pipe sees it at once.
            Terminal.out("clickbridge serve: listening on http://\(ListenAddress(host: address.host, port: bound)) (\(where_))")
            // For udev/clickbridge-serve@.service (Type=notify); nothing outside systemd.
            SystemdNotifier().ready()
        }
        do {
            try await server.runUntilTerminated(alongside: metricsServer.map { [$0] } ?? [])
        } catch let error as ClaimServerError where error.isAddressInUse {
            throw ServeFailure("\(listen) is already in use: stop the process listening there or choose another --listen port")
        } catch let error as MetricsServerError {
            throw ServeFailure("--metrics-listen: \(error)")
        }
    }

    /// --database, else CLICKBRIDGE_DATABASE_URL; nil for neither (SQLite). A bad URL is refused
    /// before anything is written, saying which of the two it came from.
    static func databaseURL(option: String?, environment: [String: String]) throws -> DatabaseURL? {
        let (text, source): (String, String)
        if let option {
            (text, source) = (option, "--database")
        } else if let variable = environment["CLICKBRIDGE_DATABASE_URL"], !variable.isEmpty {
            (text, source) = (variable, "CLICKBRIDGE_DATABASE_URL")
        } else {
            return nil
        }
        do throws(DatabaseURL.Invalid) {
            return try DatabaseURL(parsing: text)
        } catch {
            throw ServeFailure("\(source): \(error)")
        }
    }
}

/// A one-line reason for stderr; ArgumentParser prints it as `Error: …` and exits non-zero.
private struct ServeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

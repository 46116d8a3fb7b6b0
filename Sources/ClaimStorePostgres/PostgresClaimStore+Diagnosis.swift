import ClaimService
import Logging
import PostgresNIO

/// Why the database cannot be reached, in words an operator can act on.
extension PostgresClaimStore {
    /// The error of a connection made directly, outside the pool, which retries quietly and
    /// keeps its reasons. Made at most once every 5 s; in between, the last one is reused.
    func whyUnreachable() async -> any Error {
        if let last = diagnosis.withLock({ $0 }), ContinuousClock.now - last.at < .seconds(5) {
            return last.error
        }
        var why: any Error = Unreachable(why: "no connection was made in time")
        do {
            var tls = PostgresConnection.Configuration.TLS.disable
            if let tlsConfiguration { tls = .require(try NIOSSLContext(configuration: tlsConfiguration)) }
            var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user,
                                                                 password: url.password, database: url.database, tls: tls)
            configuration.options.connectTimeout = .seconds(Int64(connectionWait.components.seconds))
            let connection = try await PostgresConnection.connect(
                on: PostgresClient.defaultEventLoopGroup.any(), configuration: configuration, id: 0, logger: logger).get()
            try? await connection.close().get()
            why = Unreachable(why: "it answers a new connection now; the pool had none free in time")
        } catch {
            why = error
        }
        diagnosis.withLock { $0 = (ContinuousClock.now, why) }
        logger.warning("\(Self.describe(why, at: url, waited: connectionWait, wording: wording).message)")
        return why
    }
}

/// No reason found: the direct connection worked, or did not finish.
struct Unreachable: Error, CustomStringConvertible {
    let why: String
    var description: String { why }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import Testing

/// The tests' own PostgreSQL cluster (TestSupport): what the PostgreSQL tests rely on, checked
/// from outside.
@Suite(.enabled(if: ThrowawayPostgres.enabled)) struct ThrowawayPostgresTests {
    @Test func itRunsUnprivilegedOnLoopbackWithDurableCommits() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let url = try await postgres.newDatabase()
        let database = String(url.split(separator: "/").last!.prefix { $0 != "?" })
        let settings = try await postgres.psql("""
            SELECT current_setting('listen_addresses') || ' ' || current_setting('port') || ' ' ||
                   current_setting('synchronous_commit') || ' ' || current_setting('fsync') || ' ' || current_database()
            """, database: database)
        #expect(settings == "127.0.0.1 \(postgres.port) on on \(database)")
        // The postmaster's first line in its pid file is its pid: it must not run as root.
        let pidFile = try String(contentsOfFile: postgres.directory + "/data/postmaster.pid", encoding: .utf8)
        let pid = try #require(pidFile.split(separator: "\n").first.flatMap { Int32($0) })
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let uid = try #require(status.split(separator: "\n").first { $0.hasPrefix("Uid:") })
        #expect(uid.split(whereSeparator: \.isWhitespace).dropFirst().allSatisfy { $0 != "0" }, "\(uid)")
    }

    @Test func eachTestGetsAnEmptyDatabaseOfItsOwn() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let first = try await postgres.newDatabase()
        let second = try await postgres.newDatabase()
        #expect(first != second)
        let name = String(second.split(separator: "/").last!.prefix { $0 != "?" })
        #expect(try await postgres.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: name) == "0")
    }

    @Test func aWrongPasswordIsRefused() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let psql = try #require(ThrowawayPostgres.binaries).appending("/psql")
        let refused = try await offPool {
            try FinishedCommand.run(psql, ["-h", "127.0.0.1", "-p", String(postgres.port), "-U", postgres.user, "-w", "-c", "SELECT 1", "postgres"],
                                    environment: ["PGPASSWORD": "not-" + postgres.password])
        }
        #expect(refused.status != 0)
        #expect(refused.err.contains("password authentication failed"), "\(refused.err)")
    }
}

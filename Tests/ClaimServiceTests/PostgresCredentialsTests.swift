import ClaimStorePostgres
import Foundation
import Logging
import OneClick
import TestSupport
import Testing

@testable import ClaimService

#if canImport(Glibc)
import Glibc
#endif

/// Credentials in a fleet's database: `clickbridge credentials … --database`, `serve --database`
/// reading its keys there at every request (so a change made anywhere holds at every instance
/// at once), importing `--credentials FILE` once, and the failures. Real processes, a real
/// PostgreSQL, real signed HTTP.
@Suite(.enabled(if: ThrowawayPostgres.enabled)) struct PostgresCredentialsTests {
    static func name(of url: String) -> String { String(url.split(separator: "/").last!.prefix { $0 != "?" }) }

    static func credentials(_ arguments: [String], environment: [String: String] = [:]) async throws -> FinishedCommand {
        try await ClickBridgeBinary.run(["credentials"] + arguments, environment: environment)
    }

    /// `serve --database URL` on `port`, its stderr (the log) appended to `log`.
    static func serve(_ url: String, port: Int, credentials: String? = nil, log: String) throws -> LaunchedProcess {
        try ClickBridgeBinary.launch(["serve", "--listen", "127.0.0.1:\(port)", "--database", url, "--state-dir", log + "-state"]
                                     + (credentials.map { ["--credentials", $0] } ?? []),
                                     standardError: .file(log))
    }

    /// A client of the service on `port` that signs with `profiles`, once the service listens.
    static func client(port: Int, _ profiles: CredentialsFile, _ process: LaunchedProcess) async throws -> LiveService {
        for _ in 0..<1200 {
            guard process.isRunning else { throw CrashTestFailure("clickbridge serve exited with \(process.terminationStatus)") }
            if acceptsConnections(port: port) { return LiveService(server: nil, port: port, credentials: profiles, directory: "") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrashTestFailure("clickbridge serve did not listen within 60 s")
    }

    /// The first line of `log` that contains `text`, waited for while the process runs.
    static func line(containing text: String, in log: String, of process: LaunchedProcess) async throws -> String {
        for _ in 0..<1200 {
            let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            if let line = lines.first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrashTestFailure("no line with '\(text)' in the log of serve:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    static func stop(_ process: LaunchedProcess) {
        process.terminate()
        process.waitUntilExit()
    }

    @Test func theCLIAddsRotatesAndListsPrincipalsInTheDatabase() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let url = try await postgres.newDatabase()
        let directory = temporaryDirectory()
        let client = directory + "/client-credentials"

        let added = try await Self.credentials(["add", "alice", "--account-id", "123456789012", "--database", url, "--credentials", client])
        #expect(added.status == 0, "\(added.err)")
        let alice = try #require(try CredentialsFile.load(path: client).profile(named: "alice"))
        #expect(added.out == "added principal alice: account 123456789012, access key id \(alice.accessKeyId), in database \(try DatabaseURL(parsing: url)); its key written to \(client) for clients\n")
        #expect(!added.out.contains(alice.secretAccessKey) && !added.out.contains(postgres.password))
        let stored = try await postgres.psql("SELECT account_id || ' ' || access_key_id || ' ' || secret_access_key FROM principal WHERE name = 'alice'",
                                             database: Self.name(of: url))
        #expect(stored == "123456789012 \(alice.accessKeyId) \(alice.secretAccessKey)")
        // The client's file is private, as the service's is.
        var info = stat()
        #expect(stat(client, &info) == 0 && info.st_mode & 0o077 == 0)

        let again = try await Self.credentials(["add", "alice", "--database", url])
        #expect(again.status != 0)
        #expect(again.err.contains("principal 'alice' already exists") && !again.err.trimmingCharacters(in: .newlines).contains("\n"), "\(again.err)")

        let rotated = try await Self.credentials(["rotate", "alice", "--database", url])
        #expect(rotated.status == 0, "\(rotated.err)")
        let newKey = try await postgres.psql("SELECT access_key_id FROM principal WHERE name = 'alice'", database: Self.name(of: url))
        #expect(newKey != alice.accessKeyId)
        #expect(rotated.out.hasPrefix("rotated alice: new access key id \(newKey); the old key \(alice.accessKeyId) stays valid until the new key is first used, or until "),
                "\(rotated.out)")
        #expect(!rotated.out.contains("written"), "without --credentials nothing is written")

        let missing = try await Self.credentials(["rotate", "bob", "--database", url])
        #expect(missing.status != 0 && missing.err.contains("no principal 'bob'; the database has: alice"), "\(missing.err)")

        let listed = try await Self.credentials(["list", "--database", url])
        #expect(listed.status == 0, "\(listed.err)")
        let rows = listed.out.split(separator: "\n")
        #expect(rows.count == 2, "\(listed.out)")
        #expect(rows.first?.hasPrefix("PRINCIPAL  ACCOUNT") == true)
        #expect(rows.last?.hasPrefix("alice      123456789012  \(newKey)  -       \(alice.accessKeyId) valid until ") == true, "\(listed.out)")
        let secrets = try await postgres.psql("SELECT secret_access_key || ' ' || previous_secret_access_key FROM principal", database: Self.name(of: url))
        for secret in secrets.split(separator: " ") { #expect(!listed.out.contains(secret)) }

        // CLICKBRIDGE_DATABASE_URL names the database too; a file named on the command line beats it.
        let viaEnvironment = try await Self.credentials(["list"], environment: ["CLICKBRIDGE_DATABASE_URL": url])
        #expect(viaEnvironment.out == listed.out, "\(viaEnvironment.err)")
        let file = try await Self.credentials(["list", "--credentials", client], environment: ["CLICKBRIDGE_DATABASE_URL": url])
        #expect(file.status == 0 && file.out.contains(alice.accessKeyId) && !file.out.contains(newKey), "\(file.out) \(file.err)")
    }

    @Test func aBadURLOrAnUnreachableDatabaseFailsInOneLine() async throws {
        let bad = try await Self.credentials(["list", "--database", "mysql://u@h/d"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("--database: the database URL is not usable: the scheme is 'mysql', not postgres"), "\(bad.err)")
        let badVariable = try await Self.credentials(["add", "x"], environment: ["CLICKBRIDGE_DATABASE_URL": "postgres://u@h"])
        #expect(badVariable.status != 0)
        #expect(badVariable.err.contains("CLICKBRIDGE_DATABASE_URL: the database URL is not usable: it names no database"), "\(badVariable.err)")

        let port = try freePort()
        let unreachable = try await Self.credentials(["rotate", "x", "--database", "postgres://u:secretword@127.0.0.1:\(port)/d?sslmode=disable"])
        #expect(unreachable.status != 0)
        let message = unreachable.err.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!message.contains("\n") && message.contains("127.0.0.1:\(port)/d cannot be reached"), "\(unreachable.err)")
        // A command has no service to reconnect for it: the message says what the one running it does.
        #expect(message.contains("nothing was changed; run the command again once the database can be reached") && !message.contains("service"),
                "\(unreachable.err)")
        #expect(!message.contains("secretword"))
        for command in [bad, badVariable, unreachable] { #expect(command.out.isEmpty) }
    }

    /// Two `serve` processes on one database with no credentials file: a principal added with the
    /// CLI signs at both without a restart; after a rotation the old key works at both until the
    /// new key is used at one, and from then on the other refuses it.
    @Test func addsAndRotationsHoldAtEveryInstanceAtOnce() async throws {
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let directory = temporaryDirectory()
        let (port1, port2) = (try freePort(), try freePort())
        let one = try Self.serve(url, port: port1, log: directory + "/one.log")
        defer { Self.stop(one) }
        let two = try Self.serve(url, port: port2, log: directory + "/two.log")
        defer { Self.stop(two) }
        let stranger = CredentialsFile(profiles: [CredentialGenerator.profile(name: "alice", accountId: "123456789012")])
        #expect(try await Self.client(port: port1, stranger, one).send("GET", "/devices", profile: "alice").status == 403)
        _ = try await Self.client(port: port2, stranger, two)

        let added = try await Self.credentials(["add", "alice", "--database", url, "--credentials", directory + "/old"])
        #expect(added.status == 0, "\(added.err)")
        let old = try CredentialsFile.load(path: directory + "/old")
        let (atOne, atTwo) = (LiveService(server: nil, port: port1, credentials: old, directory: ""),
                              LiveService(server: nil, port: port2, credentials: old, directory: ""))
        #expect(try await atOne.send("GET", "/devices", profile: "alice").status == 200)
        #expect(try await atTwo.send("GET", "/devices", profile: "alice").status == 200)

        let rotated = try await Self.credentials(["rotate", "alice", "--database", url, "--credentials", directory + "/new"])
        #expect(rotated.status == 0, "\(rotated.err)")
        let new = try CredentialsFile.load(path: directory + "/new")
        #expect(try await atTwo.send("GET", "/devices", profile: "alice").status == 200, "the old key, within its grace")
        let newAtOne = LiveService(server: nil, port: port1, credentials: new, directory: "")
        #expect(try await newAtOne.send("GET", "/devices", profile: "alice").status == 200)
        // Its first use retired the old key, for both instances.
        let refused = try await atTwo.send("GET", "/devices", profile: "alice")
        #expect(refused.status == 403 && refused.code == "UnrecognizedClientException", "\(refused.body)")
        #expect(try await atOne.send("GET", "/devices", profile: "alice").status == 403)
        #expect(try await LiveService(server: nil, port: port2, credentials: new, directory: "").send("GET", "/devices", profile: "alice").status == 200)
    }

    /// `serve --credentials FILE --database URL` imports the file once; a restart imports nothing
    /// again and leaves a key rotated meanwhile as the database has it.
    @Test func serveImportsTheFileOnceAndTheDatabaseWins() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let url = try await postgres.newDatabase()
        let directory = temporaryDirectory()
        let file = try LiveService.writeCredentials(in: directory)
        let path = directory + "/credentials"
        let port = try freePort()
        var process = try Self.serve(url, port: port, credentials: path, log: directory + "/first.log")
        // Whichever instance runs when the test ends, by failure or not, is stopped.
        defer { Self.stop(process) }
        let imported = try await Self.line(containing: "imported", in: directory + "/first.log", of: process)
        #expect(imported.hasSuffix("imported 4 principals (bridge, owner, other, bridge2) from \(path) into the database"), "\(imported)")
        let s = try await Self.client(port: port, file, process)
        #expect(try await s.send("GET", "/devices").status == 200)

        let rotated = try await Self.credentials(["rotate", "owner", "--database", url, "--credentials", directory + "/rotated"])
        #expect(rotated.status == 0, "\(rotated.err)")
        Self.stop(process)

        process = try Self.serve(url, port: port, credentials: path, log: directory + "/second.log")
        let again = try await Self.line(containing: "imported", in: directory + "/second.log", of: process)
        #expect(again.hasSuffix("imported no principals from \(path): its 4 are in the database already; the database's keys stand where the file's differ (owner)"),
                "\(again)")
        _ = try await Self.client(port: port, file, process)
        let database = Self.name(of: url)
        #expect(try await postgres.psql("SELECT count(*) FROM principal", database: database) == "4")
        let newKey = try #require(try CredentialsFile.load(path: directory + "/rotated").profile(named: "owner")).accessKeyId
        #expect(try await postgres.psql("SELECT access_key_id FROM principal WHERE name = 'owner'", database: database) == newKey)
        // The file's owner key is the previous key now: valid until the new one is used.
        #expect(try await s.send("GET", "/devices").status == 200)
        let renewed = LiveService(server: nil, port: port, credentials: try CredentialsFile.load(path: directory + "/rotated"), directory: "")
        #expect(try await renewed.send("GET", "/devices").status == 200)
        #expect(try await s.send("GET", "/devices").status == 403)
    }

    /// The database unreachable while a request is authenticated: 500 InternalFailureException,
    /// as the store answers, never a 403 that would send a client to fix its key.
    @Test func anUnreachableDatabaseWhileAuthenticatingIs500() async throws {
        let port = try freePort()
        let store = try PostgresClaimStore(url: DatabaseURL(parsing: "postgres://u:p@127.0.0.1:\(port)/d?sslmode=disable"),
                                           logger: Logger(label: "clickbridge.postgres"), connectionWait: .seconds(2))
        defer { store.close() }
        let s = try await LiveService.start { config in
            config.store = store
            config.authenticator = PostgresCredentialAuthenticator(store: store)
        }
        defer { Task { await s.shutdown() } }
        let answer = try await s.send("GET", "/devices")
        #expect(answer.status == 500 && answer.code == "InternalFailureException", "\(answer.body)")
        #expect(answer.json["message"].map { "\($0)".contains("127.0.0.1:\(port)/d cannot be reached") } == true, "\(answer.body)")
    }
}

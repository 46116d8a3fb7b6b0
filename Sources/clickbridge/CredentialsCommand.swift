import ArgumentParser
import ClaimService
import ClaimStorePostgres
import Foundation
import Logging
import OneClick

struct Credentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials", abstract: "Manage the service's principals.",
        discussion: """
            The file is the AWS shared-credentials format, one profile per principal. A running service picks up changes without a restart.

            With --database (or CLICKBRIDGE_DATABASE_URL, when neither --state-dir nor --credentials is given) they manage a fleet's \
            principals in its PostgreSQL database instead, which every instance reads at each request. There, --credentials FILE \
            names a file for clients that add and rotate also write the new key to; the secret is otherwise only in the database.
            """,
        subcommands: [Add.self, Rotate.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a principal with a new random key.")

        @OptionGroup var file: CredentialsFileOptions

        @Argument(help: "The principal's (profile's) name.")
        var name: String

        @Option(help: "Put the principal in this 12-digit account (default: a new random account).")
        var accountId: String?

        func run() async throws {
            try await failingInOneLine {
                if let database = try file.databaseURL() {
                    let profile = try await FleetPrincipals.run(database) { (store: PostgresClaimStore) async throws(ServiceError) in
                        try await store.addPrincipal(name: name, accountId: accountId)
                    }
                    let copy = try file.writeClientCopy(of: profile)
                    print("added principal \(profile.name): account \(profile.accountId ?? "?"), access key id \(profile.accessKeyId), in database \(database)\(copy)")
                    return
                }
                let path = file.path
                if try CredentialsFile.createDefaultIfMissing(path: path) {
                    print("created \(path) with principals bridge and owner")
                }
                let profile = try CredentialsFile.update(path: path) { (credentials: inout CredentialsFile) throws(CredentialsFileError) -> CredentialProfile in
                    try CredentialsAdmin.add(name: name, accountId: accountId, to: &credentials)
                }
                print("added principal \(profile.name): account \(profile.accountId ?? "?"), access key id \(profile.accessKeyId), in \(path)")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Give a principal a new key; the old one stays valid until the new one is used, or for a day.")

        @OptionGroup var file: CredentialsFileOptions

        @Argument(help: "The principal's (profile's) name.")
        var name: String

        func run() async throws {
            try await failingInOneLine {
                let old: CredentialProfile, new: CredentialProfile
                var copy = ""
                if let database = try file.databaseURL() {
                    (old, new) = try await FleetPrincipals.run(database) { (store: PostgresClaimStore) async throws(ServiceError) in
                        try await store.rotatePrincipal(name: name, now: Date())
                    }
                    copy = try file.writeClientCopy(of: new)
                } else {
                    (old, new) = try CredentialsFile.update(path: file.path) { (credentials: inout CredentialsFile) throws(CredentialsFileError) in
                        try CredentialsAdmin.rotate(name: name, in: &credentials, now: Date())
                    }
                }
                print("rotated \(name): new access key id \(new.accessKeyId); the old key \(old.accessKeyId) stays valid until the new key is first used, or until \(new.previousKey!.validUntilText)\(copy)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the principals (never their secrets).")

        @OptionGroup var file: CredentialsFileOptions

        func run() async throws {
            try await failingInOneLine {
                let credentials: CredentialsFile
                if let database = try file.databaseURL() {
                    credentials = try await FleetPrincipals.run(database) { (store: PostgresClaimStore) async throws(ServiceError) in .success(try await store.principals()) }
                } else {
                    credentials = try CredentialsFile.load(path: file.path)
                }
                for line in CredentialsAdmin.listing(credentials, now: Date()) { print(line) }
            }
        }
    }
}

/// A fleet's principals, in its database, for one command.
enum FleetPrincipals {
    /// Runs `change` on the database's principals: a refusal (`CredentialsFileError`) or a
    /// database failure becomes one line for stderr.
    static func run<T: Sendable>(_ url: DatabaseURL,
                                 _ change: (PostgresClaimStore) async throws(ServiceError) -> Result<T, CredentialsFileError>) async throws -> T {
        var logger = Logger(label: "clickbridge.database")
        // The command says what failed itself, in one line.
        logger.logLevel = .critical
        let store: PostgresClaimStore
        do throws(DatabaseURL.Invalid) {
            store = try PostgresClaimStore(url: url, logger: logger, connectionWait: .seconds(5), wording: .command)
        } catch {
            throw CommandFailure("--database: \(error)")
        }
        defer { store.close() }
        let result: Result<T, CredentialsFileError>
        do throws(ServiceError) {
            result = try await change(store)
        } catch {
            throw CommandFailure(error.message)
        }
        return try result.get()
    }
}

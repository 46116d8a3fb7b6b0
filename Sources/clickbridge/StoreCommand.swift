import ArgumentParser
import ClaimService
import ClaimStorePostgres
import Foundation
import Logging
import OneClick

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Move a claim service's state.", subcommands: [Copy.self])

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy", abstract: "Copy a single Pi's service state into a fleet's PostgreSQL database.",
            discussion: """
            Copies devices, claims, tags, events, click callbacks, AVS registrations and the signatures \
            still guarding against replays, in one transaction, and prints how many of each. The state \
            dir is only read: stop its service first, or what it receives afterwards is not copied.
            """)

        @Option(help: ArgumentHelp("The Pi's state dir (where claim-service.sqlite is).", valueName: "state-dir"), completion: .directory)
        var from: String?

        @Option(help: ArgumentHelp("The fleet's database (default: CLICKBRIDGE_DATABASE_URL).",
                                   valueName: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]"))
        var to: String?

        @Flag(help: "Copy into a database that already holds rows: add only what it lacks, refuse rows that differ.")
        var merge = false

        func run() async throws {
            try await failingInOneLine {
                guard let from else { throw CommandFailure("--from is missing: give the state dir to copy from") }
                let url = try Self.databaseURL(option: to, environment: ProcessInfo.processInfo.environment)
                let state: StateSnapshot
                do throws(StateSnapshotFailure) {
                    state = try StateSnapshot.read(stateDirectory: from, now: WireTimestamp.now().microseconds)
                } catch {
                    throw CommandFailure("--from: \(error)")
                }
                // Errors only: the command's own line says what failed, once.
                var logger = Logger(label: "clickbridge.database")
                logger.logLevel = .error
                let store = try PostgresClaimStore(url: url, logger: logger, wording: .command)
                defer { store.close() }
                let copied: StoreCopy.Copied
                do {
                    copied = try await StoreCopy.copy(state, credentialsFile: StateDirectory.credentialsPath(stateDirectory: from),
                                                      into: store, merge: merge)
                } catch let error as ServiceError {
                    throw CommandFailure(error.message)
                }
                let shifted = copied.eventSeqShift > 0
                    ? " (event seqs raised by \(copied.eventSeqShift): the database had given those numbers)" : ""
                Terminal.out("copied \(copied.counts.text) into \(url.host):\(url.port)/\(url.database)\(shifted)")
                Terminal.out("copied \(copied.credentials) principal\(copied.credentials == 1 ? "" : "s") of the state dir's credentials file")
            }
        }

        /// --to, else CLICKBRIDGE_DATABASE_URL; a bad URL names which of the two it came from.
        static func databaseURL(option: String?, environment: [String: String]) throws -> DatabaseURL {
            let (text, source): (String, String)
            if let option {
                (text, source) = (option, "--to")
            } else if let variable = environment["CLICKBRIDGE_DATABASE_URL"], !variable.isEmpty {
                (text, source) = (variable, "CLICKBRIDGE_DATABASE_URL")
            } else {
                throw CommandFailure("--to is missing: give the fleet's database as postgres://… or set CLICKBRIDGE_DATABASE_URL")
            }
            do throws(DatabaseURL.Invalid) {
                return try DatabaseURL(parsing: text)
            } catch {
                throw CommandFailure("\(source): \(error)")
            }
        }
    }
}

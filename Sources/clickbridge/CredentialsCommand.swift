import ArgumentParser
import Foundation
import OneClick

struct Credentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credentials", abstract: "Manage the service's principals.",
        discussion: "The file is the AWS shared-credentials format, one profile per principal. A running service picks up changes without a restart.",
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
                let (old, new) = try CredentialsFile.update(path: file.path) { (credentials: inout CredentialsFile) throws(CredentialsFileError) in
                    try CredentialsAdmin.rotate(name: name, in: &credentials, now: Date())
                }
                print("rotated \(name): new access key id \(new.accessKeyId); the old key \(old.accessKeyId) stays valid until the new key is first used, or until \(new.previousKey!.validUntilText)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the principals (never their secrets).")

        @OptionGroup var file: CredentialsFileOptions

        func run() async throws {
            try await failingInOneLine {
                let credentials = try CredentialsFile.load(path: file.path)
                for line in CredentialsAdmin.listing(credentials, now: Date()) { print(line) }
            }
        }
    }
}

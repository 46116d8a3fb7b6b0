import ArgumentParser
import ClaimService
import Foundation
import Glibc
import OneClick

/// Options every client command shares: where the service is and who signs.
struct ClientOptions: ParsableArguments {
    @Option(help: "The claim service's URL.")
    var endpoint: String = "http://127.0.0.1:8787"

    @Option(help: ArgumentHelp("The credentials file (AWS shared-credentials format).",
                               discussion: "Default: the default state dir's credentials file, the one 'serve' and 'run' create."),
            completion: .file())
    var credentials: String?

    @Option(help: "The profile (principal) of the credentials file to sign with.")
    var profile: String?

    @Option(help: "The region of the signature's credential scope (default: the profile's region, else us-east-1).")
    var region: String?

    var credentialsPath: String {
        credentials ?? StateDirectory.clientCredentialsPath()
    }

    /// A client signing with `profile`, or with `defaultProfile` when none was given.
    func makeClient(defaultProfile: String = "owner") throws -> OneClickClient {
        let name = profile ?? defaultProfile
        let path = credentialsPath
        let signing: ClientCredentials
        do {
            signing = try ClientCredentials.load(path: path, profile: name)
        } catch {
            // The default file is missing or unreadable: say where it would come from.
            guard credentials == nil, access(path, R_OK) != 0 else { throw error }
            throw CommandFailure("credentials \(error.description); \(StateDirectory.clientCredentialsAdvice(path: path))")
        }
        return try OneClickClient(endpoint: endpoint, credentials: signing, region: region)
    }
}

/// Options of the commands that manage the credentials file itself.
struct CredentialsFileOptions: ParsableArguments {
    @Option(help: "The state directory whose credentials file to manage (default: $CLICKBRIDGE_STATE_DIR, /var/lib/clickbridge as root, else ~/.local/state/clickbridge).",
            completion: .directory)
    var stateDir: String?

    @Option(help: "The credentials file itself, instead of <state dir>/credentials.", completion: .file())
    var credentials: String?

    @Option(help: ArgumentHelp("A fleet's PostgreSQL database, whose principals to manage instead of a file (default: CLICKBRIDGE_DATABASE_URL when set and neither --state-dir nor --credentials is given).",
                               valueName: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]"))
    var database: String?

    var path: String {
        credentials ?? StateDirectory.credentialsPath(stateDirectory: stateDir ?? StateDirectory.defaultPath())
    }

    /// The database to manage, or nil for the file. A file named on the command line beats the
    /// environment's database, as the operator's explicit choice.
    func databaseURL(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseURL? {
        if database == nil, stateDir != nil || credentials != nil { return nil }
        return try Serve.databaseURL(option: database, environment: environment)
    }

    /// In database mode: writes the principal's key to --credentials FILE for clients (created
    /// 0600 when missing), and says so; "" without --credentials.
    func writeClientCopy(of profile: CredentialProfile) throws -> String {
        guard let credentials else { return "" }
        try CredentialsFile.update(path: credentials, ifMissing: CredentialsFile()) { (file: inout CredentialsFile) throws(CredentialsFileError) in
            if let i = file.profiles.firstIndex(where: { $0.name == profile.name }) {
                file.profiles[i] = profile
            } else {
                file.profiles.append(profile)
            }
        }
        return "; its key written to \(credentials) for clients"
    }
}

/// `key=value`, as `--tag` takes it.
struct KeyValue: ExpressibleByArgument {
    let key: String
    let value: String

    init?(argument: String) {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else { return nil }
        key = String(argument[..<eq])
        value = String(argument[argument.index(after: eq)...])
    }
}

extension [KeyValue] {
    /// Later duplicates win, as in a shell's environment.
    var dictionary: [String: String] {
        Dictionary(map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

/// A failure of a command: one line on stderr (ArgumentParser prints it as `Error: …`), exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    init(_ error: any Error) {
        self.init(String(describing: error))
    }
}

/// Runs a command body, turning any error into a one-line `CommandFailure`.
func failingInOneLine<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CommandFailure {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        throw CommandFailure(error)
    }
}

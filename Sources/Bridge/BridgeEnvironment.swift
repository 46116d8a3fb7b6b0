import ClaimService
import Foundation
import Logging
import OneClick

/// A one-line reason `run`, `check`, `status` or `demo` cannot go on: what is wrong and what to do.
public struct BridgeFailure: Error, CustomStringConvertible {
    public let description: String
    /// A mistake in the configuration or in a file it names, which only an edit fixes. `run` and
    /// `check` then exit with `configExitStatus`, and the systemd unit does not restart into it.
    public let isConfigError: Bool

    public init(_ description: String, configError: Bool = false) {
        self.description = description
        self.isConfigError = configError
    }

    public static func config(_ description: String) -> BridgeFailure { BridgeFailure(description, configError: true) }

    /// sysexits' EX_CONFIG.
    public static let configExitStatus: Int32 = 78
}

/// Where a bridge keeps its state, whom it signs as, and which service it talks to: the
/// configured endpoint, or the claim service started embedded in this process.
public struct BridgeEnvironment: Sendable {
    public var stateDir: String
    public var credentialsPath: String
    public var endpoint: String
    /// The embedded service, when no endpoint is configured; shut it down after the daemon.
    public var embedded: RunningClaimServer?
    public var credentials: CredentialsFile

    /// The state dir the configuration names, else the default (`$CLICKBRIDGE_STATE_DIR`, …).
    public static func stateDir(for config: BridgeConfig) -> String {
        config.stateDir ?? StateDirectory.defaultPath()
    }

    /// Where the embedded service listens: `listen`, else 127.0.0.1:8787.
    public static func embeddedListen(for config: BridgeConfig) -> ListenAddress {
        config.listen.flatMap(ListenAddress.init) ?? ListenAddress(host: "127.0.0.1", port: 8787)
    }

    /// Creates the state dir and, when none is configured, the default credentials file; starts
    /// the embedded service when there is no endpoint.
    public static func prepare(config: BridgeConfig, startEmbedded: Bool = true,
                               serviceLogger: Logger = Logger(label: "clickbridge.service"),
                               say: @Sendable (String) -> Void = { _ in }) async throws(BridgeFailure) -> BridgeEnvironment {
        let stateDir = stateDir(for: config)
        do { try StateFiles.makeDirectory(stateDir) } catch { throw BridgeFailure("state dir \(error.description)") }
        let credentialsPath = config.credentials ?? StateDirectory.credentialsPath(stateDirectory: stateDir)
        let file: CredentialsFile
        do throws(CredentialsFileError) {
            if config.credentials == nil, try CredentialsFile.createDefaultIfMissing(path: credentialsPath) {
                say("created credentials (profiles bridge and owner) at \(credentialsPath)")
            }
            file = try CredentialsFile.load(path: credentialsPath)
        } catch {
            throw .config("credentials: \(error)")
        }
        guard file.profile(named: config.profile) != nil else {
            throw .config("credentials \(credentialsPath) has no profile '\(config.profile)' (it has: \(file.profiles.map(\.name).joined(separator: ", "))); set `profile` in the configuration")
        }
        var env = BridgeEnvironment(stateDir: stateDir, credentialsPath: credentialsPath, endpoint: config.endpoint ?? "",
                                    embedded: nil, credentials: file)
        if config.endpoint == nil {
            let listen = embeddedListen(for: config)
            guard startEmbedded else {
                env.endpoint = "http://\(listen)"
                return env
            }
            do {
                let settings = ClaimServiceSettings(stateDirectory: stateDir, listen: listen, credentialsPath: credentialsPath,
                                                    allowPrivateCallbacks: config.allowPrivateCallbacks)
                let server = try await ClaimServer.start(configuration: try settings.configuration(), logger: serviceLogger)
                env.embedded = server
                env.endpoint = "http://\(ListenAddress(host: listen.host, port: server.port))"
            } catch let error as ClaimServerError where error.isAddressInUse {
                throw BridgeFailure("cannot start the embedded claim service: \(listen) is already in use; stop the process listening there, set another `listen`, or set `endpoint` to a running service")
            } catch {
                throw BridgeFailure("cannot start the embedded claim service on \(listen): \(error); free the port, set another `listen`, or set `endpoint` to a running service")
            }
        }
        return env
    }

    /// A client signing as `profile` of the credentials file.
    public func client(profile: String) throws(BridgeFailure) -> OneClickClient {
        guard let p = credentials.profile(named: profile) else {
            throw BridgeFailure("credentials \(credentialsPath) has no profile '\(profile)' (it has: \(credentials.profiles.map(\.name).joined(separator: ", ")))")
        }
        do {
            return try OneClickClient(endpoint: endpoint, credentials: ClientCredentials(profile: p), timeout: .seconds(10))
        } catch {
            throw BridgeFailure("\(error)")
        }
    }
}

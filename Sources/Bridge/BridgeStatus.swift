import Foundation
import Glibc
import OneClick

/// `clickbridge status`: the report for a configuration, asking the service for each device's
/// claim state through the device side (`GET /devices/{id}/registration`), signed as the bridge.
/// It changes nothing: it starts no service and creates no credentials or state.
public enum BridgeStatus {
    /// `profile` overrides the configuration's (the bridge's) profile.
    public static func text(configPath: String, profile: String? = nil) async throws -> String {
        let config: BridgeConfig
        do { config = try ConfigLoader.load(file: configPath) } catch { throw BridgeFailure(error.description) }
        let stateDir = BridgeEnvironment.stateDir(for: config)
        let credentialsPath = config.credentials ?? StateDirectory.credentialsPath(stateDirectory: stateDir)
        // With no endpoint, the running daemon's embedded service is asked.
        let endpoint = config.endpoint ?? "http://\(BridgeEnvironment.embeddedListen(for: config))"
        let profile = profile ?? config.profile
        let client: Result<OneClickClient, BridgeFailure>
        if access(credentialsPath, F_OK) == 0, let why = FileAccess.whyUnreadable(credentialsPath) {
            throw BridgeFailure("cannot read the credentials \(credentialsPath): it \(why); \(StatusReport.readAdvice)")
        }
        if FileManager.default.fileExists(atPath: credentialsPath) {
            do throws(CredentialsFileError) {
                let env = BridgeEnvironment(stateDir: stateDir, credentialsPath: credentialsPath, endpoint: endpoint, embedded: nil,
                                            credentials: try CredentialsFile.load(path: credentialsPath))
                do throws(BridgeFailure) { client = .success(try env.client(profile: profile)) } catch { client = .failure(error) }
            } catch {
                client = .failure(BridgeFailure("credentials: \(error)"))
            }
        } else {
            client = .failure(BridgeFailure("no credentials at \(credentialsPath) yet (`clickbridge run` creates them)"))
        }
        // The service reports a loss of its own data in every registration view: keep the first.
        var serviceDataLoss: StoreDataLoss?
        var report = try await StatusReport.gather(config: config, stateDir: stateDir, endpoint: endpoint) { deviceId in
            switch client {
            case .failure(let failure): return "claim state unknown: \(failure)"
            case .success(var client):
                client.retry = .none
                let (state, loss) = await claimState(of: deviceId, client: client, profile: profile, endpoint: endpoint)
                serviceDataLoss = serviceDataLoss ?? loss
                return state
            }
        }
        report.serviceDataLoss = serviceDataLoss
        return report.text
    }

    static func claimState(of deviceId: String, client: OneClickClient, profile: String,
                           endpoint: String) async -> (String, StoreDataLoss?) {
        do {
            let r = try await client.describeRegistration(deviceId: deviceId)
            return (r.claimState.rawValue + (r.enabled ? "" : " (disabled by its owner)"), r.storeDataLoss)
        } catch {
            return (reason(error, profile: profile, endpoint: endpoint), nil)
        }
    }

    /// Why the claim state could not be read, for people.
    static func reason(_ error: OneClickClientError, profile: String, endpoint: String) -> String {
        switch error {
        case .service(let e) where e.statusCode == 404:
            "not registered yet (`clickbridge run` registers it at start)"
        case .service(let e) where e.statusCode == 403 && e.code == "ForbiddenException":
            "registered by another principal than '\(profile)'"
        case .connection:
            "service unreachable at \(endpoint)"
        default:
            "claim state unknown: \(error)"
        }
    }
}

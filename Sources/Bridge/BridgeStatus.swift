import OneClick

/// `clickbridge status`: the report for a configuration, asking the service (as the owner) for
/// each device's claim state.
public enum BridgeStatus {
    public static func text(configPath: String, ownerProfile: String) async throws -> String {
        let config: BridgeConfig
        do { config = try ConfigLoader.load(file: configPath) } catch { throw BridgeFailure(error.description) }
        // Never starts a service: with no endpoint, the running daemon's embedded one is asked.
        let env = try await BridgeEnvironment.prepare(config: config, startEmbedded: false)
        let owner = try? env.client(profile: ownerProfile)
        let report = await StatusReport.gather(config: config, stateDir: env.stateDir, endpoint: env.endpoint) { deviceId in
            guard var client = owner else { return "claim state unknown (no '\(ownerProfile)' profile)" }
            client.retry = .none
            do {
                let d = try await client.describeDevice(deviceId: deviceId)
                return "CLAIMED by '\(ownerProfile)'" + (d.deviceDescription?.enabled == false ? " (disabled)" : "")
            } catch let error as OneClickClientError {
                switch error {
                case .service(let e) where e.statusCode == 404:
                    return "not claimed by '\(ownerProfile)' (unclaimed, or another account's)"
                case .connection:
                    return "service unreachable at \(env.endpoint)"
                default:
                    return "claim state unknown: \(error)"
                }
            } catch {
                return "claim state unknown: \(error)"
            }
        }
        return report.text
    }
}

import ClaimService
import Foundation
@testable import OneClick

/// A real ClaimServer on a free loopback port, with a real credentials file: `bridge` and
/// `owner` of one account, `other` of another.
struct LiveClaimService {
    let server: RunningClaimServer
    let directory: TemporaryDirectory
    let credentialsPath: String
    static let ownerAccount = "111122223333"
    static let otherAccount = "444455556666"

    static func start(claimExpirySeconds: Int64 = 600) async throws -> LiveClaimService {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/credentials"
        try CredentialsFile(profiles: [
            CredentialGenerator.profile(name: "bridge", accountId: ownerAccount),
            CredentialGenerator.profile(name: "owner", accountId: ownerAccount),
            CredentialGenerator.profile(name: "other", accountId: otherAccount),
        ]).write(path: path)
        let configuration = ClaimServiceConfiguration(
            stateDirectory: directory.path + "/state",
            authenticator: CredentialStoreAuthenticator(store: try CredentialStore(path: path)),
            claimExpiry: claimExpirySeconds * 1_000_000)
        let server = try await ClaimServer.start(configuration: configuration)
        return LiveClaimService(server: server, directory: directory, credentialsPath: path)
    }

    var endpoint: String { "http://127.0.0.1:\(server.port)" }

    func client(_ profile: String, region: String? = nil, now: (@Sendable () -> Date)? = nil) throws -> OneClickClient {
        let credentials = try ClientCredentials.load(path: credentialsPath, profile: profile)
        let fast = RetryPolicy.client.with(maxAttempts: 2).with(backoff: Backoff(initial: 0, cap: 0))
        if let now {
            return try OneClickClient(endpoint: URL(string: endpoint)!, credentials: credentials, region: region, retry: fast, now: now)
        }
        return try OneClickClient(endpoint: endpoint, credentials: credentials, region: region, retry: fast)
    }

    func shutdown() async { await server.shutdown() }

    static func newDeviceId() -> String { "G030" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).uppercased() }
    static func newClaimCode() -> String { "C-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).uppercased() }

    static func press(_ click: String = "SINGLE", at date: Date = Date()) -> DeviceEventRequest {
        DeviceEventRequest(eventId: UUID().uuidString.lowercased(), clickType: click,
                           reportedTime: WireTimestamp(secondsSinceEpoch: date.timeIntervalSince1970).formatted, remainingLife: 97.5)
    }
}

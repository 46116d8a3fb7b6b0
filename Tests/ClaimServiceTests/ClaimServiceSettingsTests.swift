import Foundation
import OneClick
import Testing
@testable import ClaimService

/// The one assembly of the service, behind both `serve` and `run`'s embedded service.
struct ClaimServiceSettingsTests {
    @Test func everySettingReachesTheServiceConfiguration() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let credentials = dir + "/credentials"
        try CredentialsFile.createDefaultIfMissing(path: credentials)
        let settings = ClaimServiceSettings(
            stateDirectory: dir, listen: ListenAddress(host: "::1", port: 8788), credentialsPath: credentials,
            allowUnsigned: true, rooms: ["arn:aws:a4b:us-east-1:111122223333:room/kitchen"], claimExpiry: 5_000_000,
            eventRetention: 7_000_000, allowPrivateCallbacks: true,
            connectionLimits: ConnectionLimits(headerTimeout: .seconds(3), maxConnections: 9))
        let config = try settings.configuration()
        #expect(config.stateDirectory == dir)
        #expect(config.host == "::1" && config.port == 8788)
        #expect(config.allowUnsigned && config.allowPrivateCallbacks)
        #expect(config.rooms == ["arn:aws:a4b:us-east-1:111122223333:room/kitchen"])
        #expect(config.claimExpiry == 5_000_000 && config.eventRetention == 7_000_000)
        #expect(config.connectionLimits.headerTimeout == .seconds(3) && config.connectionLimits.maxConnections == 9)
        // Requests are checked against the keys of that credentials file.
        let authenticator = try #require(config.authenticator as? CredentialStoreAuthenticator)
        #expect(authenticator.store.file.profiles.map(\.name).sorted() == ["bridge", "owner"])
    }

    @Test func credentialsTheServiceCannotReadAreRefused() {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = ClaimServiceSettings(stateDirectory: dir, listen: ListenAddress(host: "127.0.0.1", port: 0),
                                            credentialsPath: dir + "/no-such-credentials")
        let error = #expect(throws: CredentialsFileError.self) { try settings.configuration() }
        #expect(error.map { "\($0)" }?.contains("no-such-credentials") == true, "\(String(describing: error))")
    }
}

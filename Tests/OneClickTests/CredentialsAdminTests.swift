import Foundation
import Testing
@testable import OneClick

struct CredentialsAdminTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func addPutsANewPrincipalInANewOrGivenAccount() throws {
        var file = CredentialGenerator.defaultFile()
        let owner = file.profile(named: "owner")!
        let guest = try CredentialsAdmin.add(name: "guest", accountId: nil, to: &file)
        #expect(guest.accountId != owner.accountId)
        let second = try CredentialsAdmin.add(name: "bridge2", accountId: owner.accountId, to: &file)
        #expect(second.accountId == owner.accountId)
        #expect(file.profiles.map(\.name) == ["bridge", "owner", "guest", "bridge2"])
        try file.validateForService()
    }

    @Test func addRefusesDuplicatesBadNamesAndBadAccounts() {
        var file = CredentialGenerator.defaultFile()
        #expect(throws: CredentialsFileError.self) { try CredentialsAdmin.add(name: "owner", accountId: nil, to: &file) }
        #expect(throws: CredentialsFileError.self) { try CredentialsAdmin.add(name: "a b", accountId: nil, to: &file) }
        #expect(throws: CredentialsFileError.self) { try CredentialsAdmin.add(name: "x", accountId: "12", to: &file) }
        #expect(file.profiles.count == 2)
    }

    @Test func rotateUnknownPrincipalNamesTheKnownOnes() {
        var file = CredentialGenerator.defaultFile()
        do {
            _ = try CredentialsAdmin.rotate(name: "nobody", in: &file, now: Self.now)
            Issue.record("rotated nobody")
        } catch {
            #expect(error.reason == "no principal 'nobody'; the file has: bridge, owner")
        }
    }

    @Test func listingNeverShowsSecrets() throws {
        var file = CredentialGenerator.defaultFile()
        _ = try CredentialsAdmin.rotate(name: "owner", in: &file, now: Self.now)
        let lines = CredentialsAdmin.listing(file, now: Self.now)
        let text = lines.joined(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("PRINCIPAL"))
        for profile in file.profiles {
            #expect(text.contains(profile.accessKeyId))
            #expect(!text.contains(profile.secretAccessKey))
            if let previous = profile.previousKey { #expect(!text.contains(previous.secretAccessKey)) }
        }
        #expect(lines[2].contains("valid until 2026-11-19T"))
        let later = CredentialsAdmin.listing(file, now: Self.now.addingTimeInterval(2 * 86_400))
        #expect(later[2].hasSuffix("expired"))
    }
}

import Foundation
import TestSupport
import Testing
@testable import OneClick

struct CredentialsFileTests {
    static let sample = """
        # comment
        [bridge]
        aws_access_key_id = AKIABRIDGE
        aws_secret_access_key=secret/with+chars=
        aws_account_id = 123456789012

        ; another comment
        [owner]
        AWS_ACCESS_KEY_ID = AKIAOWNER
        aws_secret_access_key = ownersecret
        aws_account_id = 123456789012
        region = eu-west-1
        aws_session_token = kept
        aws_previous_access_key_id = AKIAOLD
        aws_previous_secret_access_key = oldsecret
        aws_previous_valid_until = 2026-11-23T00:30:00Z
        """

    @Test func parsesProfilesRotationAndUnknownKeys() throws {
        let file = try CredentialsFile(parsing: Self.sample)
        #expect(file.profiles.map(\.name) == ["bridge", "owner"])
        let bridge = try #require(file.profile(named: "bridge"))
        #expect(bridge.secretAccessKey == "secret/with+chars=")
        #expect(bridge.line == 2)
        let owner = try #require(file.profile(named: "owner"))
        #expect(owner.accessKeyId == "AKIAOWNER")
        #expect(owner.region == "eu-west-1")
        #expect(owner.otherSettings.map(\.key) == ["aws_session_token"])
        #expect(owner.previousKey == .init(accessKeyId: "AKIAOLD", secretAccessKey: "oldsecret",
                                           validUntil: ISO8601Seconds.parse("2026-11-23T00:30:00Z")!))
        #expect(ISO8601Seconds.format(owner.previousKey!.validUntil) == "2026-11-23T00:30:00Z")
        try file.validateForService()
    }

    @Test func renderedTextParsesBackToTheSameProfiles() throws {
        let file = try CredentialsFile(parsing: Self.sample)
        #expect(try CredentialsFile(parsing: file.rendered()) == file)
    }

    @Test(arguments: [
        ("aws_access_key_id = X\n", 1, "outside any profile"),
        ("[a]\naws_access_key_id = X\n", 1, "has no aws_secret_access_key"),
        ("[a]\naws_access_key_id = X\naws_secret_access_key = Y\n[a]\n", 4, "appears twice"),
        ("[a]\naws_access_key_id = X\naws_access_key_id = Y\n", 3, "set twice"),
        ("[a]\njust words\n", 2, "expected 'key = value'"),
        ("[a\n", 1, "[name]"),
        ("[a b]\n", 1, "not valid"),
        ("[a]\naws_access_key_id = X\naws_secret_access_key = Y\naws_account_id = 12345\n", 4, "12 digits"),
        ("[a]\naws_access_key_id = X\naws_secret_access_key = Y\naws_previous_access_key_id = Z\n", 1, "all three or none"),
        ("[a]\naws_access_key_id = X\naws_secret_access_key = Y\naws_previous_access_key_id = Z\naws_previous_secret_access_key = W\naws_previous_valid_until = tomorrow\n", 6, "UTC time"),
    ])
    func errorsNameTheLine(_ text: String, _ line: Int, _ fragment: String) {
        do {
            _ = try CredentialsFile(parsing: text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(fragment), "\(error)")
        }
    }

    @Test func serviceNeedsAccountIdsAndUniqueKeys() throws {
        let noAccount = try CredentialsFile(parsing: "[a]\naws_access_key_id = X\naws_secret_access_key = Y\n")
        #expect(throws: CredentialsFileError.self) { try noAccount.validateForService() }
        let shared = try CredentialsFile(parsing: """
            [a]
            aws_access_key_id = X
            aws_secret_access_key = Y
            aws_account_id = 123456789012
            [b]
            aws_access_key_id = X
            aws_secret_access_key = Z
            aws_account_id = 123456789012
            """)
        do {
            try shared.validateForService()
            Issue.record("duplicate key accepted")
        } catch {
            #expect(error.line == 5)
            #expect(error.reason.contains("[a] and [b]"))
        }
        #expect(throws: CredentialsFileError.self) { try CredentialsFile().validateForService() }
    }

    @Test func generatedDefaultHasBridgeAndOwnerOfOneAccount() throws {
        let file = CredentialGenerator.defaultFile()
        #expect(file.profiles.map(\.name) == ["bridge", "owner"])
        #expect(file.profiles[0].accountId == file.profiles[1].accountId)
        #expect(file.profiles[0].accessKeyId != file.profiles[1].accessKeyId)
        for profile in file.profiles {
            #expect(profile.accessKeyId.hasPrefix("AKIA") && profile.accessKeyId.count == 20)
            #expect(profile.secretAccessKey.count == 40)
            #expect(CredentialsFile.isValidAccountId(profile.accountId!))
        }
        try file.validateForService()
        #expect(CredentialGenerator.secretAccessKey() != CredentialGenerator.secretAccessKey())
    }

    @Test func writeIsPrivateAtomicAndReadable() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/nested/credentials"
        let file = CredentialGenerator.defaultFile()
        try file.write(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try CredentialsFile.load(path: path) == file)
        // No temp files left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/nested").sorted() == ["credentials"])
    }

    @Test func createDefaultOnlyWhenMissing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/credentials"
        #expect(try CredentialsFile.createDefaultIfMissing(path: path))
        let first = try CredentialsFile.load(path: path)
        #expect(try !CredentialsFile.createDefaultIfMissing(path: path))
        #expect(try CredentialsFile.load(path: path) == first)
    }

    @Test func loadErrorsNameTheFile() throws {
        let dir = try TemporaryDirectory()
        do {
            _ = try CredentialsFile.load(path: dir.path + "/missing")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.contains("/missing: does not exist"))
        }
        try "[a]\nnonsense\n".write(toFile: dir.path + "/bad", atomically: false, encoding: .utf8)
        do {
            _ = try CredentialsFile.load(path: dir.path + "/bad")
            Issue.record("loaded a bad file")
        } catch {
            #expect(error.description.hasSuffix("/bad:2: expected 'key = value' or '[profile]'; found 'nonsense'"))
        }
    }

    @Test func stateDirectoryRules() {
        #expect(StateDirectory.defaultPath(environment: ["CLICKBRIDGE_STATE_DIR": "/srv/cb", "HOME": "/home/u"], isRoot: true) == "/srv/cb")
        #expect(StateDirectory.defaultPath(environment: ["HOME": "/home/u"], isRoot: true) == "/var/lib/clickbridge")
        #expect(StateDirectory.defaultPath(environment: ["HOME": "/home/u", "XDG_STATE_HOME": "/x/state"], isRoot: false) == "/x/state/clickbridge")
        #expect(StateDirectory.defaultPath(environment: ["HOME": "/home/u", "XDG_STATE_HOME": "relative"], isRoot: false) == "/home/u/.local/state/clickbridge")
        #expect(StateDirectory.credentialsPath(stateDirectory: "/srv/cb") == "/srv/cb/credentials")
    }
}

/// A fresh directory under the system temp dir, removed when the value is dropped.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let url = testScratch.appendingPathComponent("oneclick-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

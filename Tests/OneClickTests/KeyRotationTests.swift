import Foundation
import Testing
@testable import OneClick

struct KeyRotationTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    func storeWithRotatedOwner(in dir: TemporaryDirectory) throws -> (CredentialStore, old: CredentialProfile, new: CredentialProfile) {
        let path = dir.path + "/credentials"
        let original = CredentialGenerator.defaultFile()
        try original.write(path: path)
        let old = original.profile(named: "owner")!
        let new = try CredentialsFile.update(path: path) { (file: inout CredentialsFile) throws(CredentialsFileError) -> CredentialProfile in
            let i = file.profiles.firstIndex { $0.name == "owner" }!
            file.profiles[i] = KeyRotation.rotate(file.profiles[i], now: Self.now)
            return file.profiles[i]
        }
        return (try CredentialStore(path: path), old, new)
    }

    func request(signedWith profile: CredentialProfile, at date: Date) -> SigV4Request {
        let signer = SigV4Signer(accessKeyId: profile.accessKeyId, secretAccessKey: profile.secretAccessKey, region: "us-east-1", service: "iot1click")
        let s = signer.sign(method: "GET", host: "127.0.0.1:8787", rawPath: "/devices", rawQuery: "", headers: [], body: [], date: date)
        return SigV4Request(method: "GET", rawPath: "/devices", rawQuery: "", headers: s.headers, body: [])
    }

    @Test func rotateKeepsTheOldKeyAsPreviousForADay() {
        let profile = CredentialGenerator.profile(name: "owner", accountId: "123456789012")
        let rotated = KeyRotation.rotate(profile, now: Self.now)
        #expect(rotated.accessKeyId != profile.accessKeyId)
        #expect(rotated.previousKey?.accessKeyId == profile.accessKeyId)
        #expect(rotated.previousKey?.validUntil == Self.now.addingTimeInterval(86_400))
    }

    @Test func oldKeyWorksUntilTheNewKeyIsUsed() throws {
        let dir = try TemporaryDirectory()
        let (store, old, new) = try storeWithRotatedOwner(in: dir)
        // The old key still works, any number of times, and does not retire anything.
        #expect(try store.authenticate(request(signedWith: old, at: Self.now), service: "iot1click", now: Self.now).generation == .previous)
        #expect(try store.authenticate(request(signedWith: old, at: Self.now), service: "iot1click", now: Self.now).generation == .previous)
        // The first use of the new key retires the old one, in memory and on disk.
        #expect(try store.authenticate(request(signedWith: new, at: Self.now), service: "iot1click", now: Self.now).name == "owner")
        do {
            _ = try store.authenticate(request(signedWith: old, at: Self.now), service: "iot1click", now: Self.now)
            Issue.record("old key still accepted after the new one was used")
        } catch {
            #expect(error.code == "UnrecognizedClientException")
        }
        #expect(try CredentialsFile.load(path: store.path).profile(named: "owner")?.previousKey == nil)
        // A fresh store (a restarted service) agrees.
        #expect(try CredentialStore(path: store.path).identity(forAccessKeyId: old.accessKeyId, now: Self.now) == nil)
    }

    @Test func oldKeyLapsesAfterADay() throws {
        let dir = try TemporaryDirectory()
        let (store, old, _) = try storeWithRotatedOwner(in: dir)
        let later = Self.now.addingTimeInterval(86_400)
        #expect(store.identity(forAccessKeyId: old.accessKeyId, now: later.addingTimeInterval(-1))?.generation == .previous)
        #expect(store.identity(forAccessKeyId: old.accessKeyId, now: later) == nil)
    }

    @Test func storePicksUpKeysAddedToTheFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/credentials"
        try CredentialGenerator.defaultFile().write(path: path)
        let store = try CredentialStore(path: path)
        let added = CredentialGenerator.profile(name: "guest", accountId: "210987654321")
        try CredentialsFile.update(path: path) { (file: inout CredentialsFile) throws(CredentialsFileError) in
            file.profiles.append(added)
        }
        let principal = try store.authenticate(request(signedWith: added, at: Self.now), service: "iot1click", now: Self.now)
        #expect(principal.name == "guest")
        #expect(principal.accountId == "210987654321")
    }

    @Test func storeRefusesAFileWithoutAccountIds() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/credentials"
        try "[a]\naws_access_key_id = X\naws_secret_access_key = Y\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)  // its mode is not what this test is about
        do {
            _ = try CredentialStore(path: path)
            Issue.record("accepted")
        } catch {
            #expect(error.description == "\(path):1: profile [a] has no aws_account_id (12 digits); the service needs one per principal")
        }
    }
}
